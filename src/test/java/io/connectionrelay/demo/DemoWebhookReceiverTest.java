package io.connectionrelay.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.deliver.webhook.WebhookSigner;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo's receiver route as the demo subscriber: the relay's webhooks to its own HTTP server. */
class DemoWebhookReceiverTest extends RelayTestSupport {

    static final String SECRET = "whsec_Y29ubmVjdGlvbi1yZWxheS1kZW1vLXNlY3JldC0zMmI=";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    protected void testProperties(Properties p) {
        p.put("camel.main.routes-include-pattern",
                "file:routes/poll/*.yaml,file:routes/deliver/*.yaml,file:routes/demo/webhook-receiver.yaml");
        serveManagementPort(p);
        cruxSource(p, crux.baseUrl());
        routeEverythingTo(p, "webhook");
        p.put("relay.webhook.subscribers", "crm-demo");
        p.put("relay.webhook.subscriber.crm-demo.url", "http://127.0.0.1:" + managementPort() + "/demo/webhooks");
        p.put("relay.webhook.subscriber.crm-demo.secret", SECRET);
        p.put("relay.demo.webhook-receiver.secret", SECRET);
        p.put("relay.demo.webhook-receiver.folder", received().toString());
        p.put("relay.webhook.retry.initial-delay", "20ms");
        p.put("relay.webhook.retry.max-delay", "200ms");
    }

    Path received() {
        return dataDir().resolve("out/webhooks");
    }

    @Test
    void savesEachVerifiedWebhookAsOneJsonFile() throws Exception {
        crux.stubFor(get("/timp/organizations/connections/")
                .willReturn(okJson(Fixtures.text("crux-connections-hostile.json"))));

        assertThat(runOnce()).isZero();

        List<Path> files = files();
        assertThat(files).hasSize(3);
        for (Path file : files) {
            JsonNode event = new ObjectMapper().readTree(file.toFile());
            assertThat(file.getFileName().toString()).isEqualTo(event.path("id").asText() + ".json");
            assertThat(event.path("type").asText()).isEqualTo("connection.created");
        }
    }

    @Test
    void answers400AndSavesNothingWhenTheSignatureDoesNotVerify() throws Exception {
        byte[] body = "{\"id\":\"msg_forged\",\"type\":\"connection.created\"}".getBytes();
        long timestamp = NOW.getEpochSecond();
        String signedWithAnotherSecret = WebhookSigner.fromSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .sign("msg_forged", timestamp, body);

        assertThat(post(body, "msg_forged", timestamp, signedWithAnotherSecret)).isEqualTo(400);
        String genuine = WebhookSigner.fromSecret(SECRET).sign("msg_forged", timestamp, body);
        assertThat(post(body, "msg_forged", timestamp - 301, genuine)).as("stale timestamp").isEqualTo(400);
        assertThat(post(body, "../msg_forged", timestamp, genuine)).as("id outside the folder").isEqualTo(400);
        assertThat(files()).isEmpty();

        assertThat(post(body, "msg_forged", timestamp, genuine)).isEqualTo(204);
        assertThat(files()).hasSize(1);
        assertThat(Files.readAllBytes(files().get(0))).isEqualTo(body);
    }

    int post(byte[] body, String id, long timestamp, String signature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + "/demo/webhooks"))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    List<Path> files() throws IOException {
        if (!Files.isDirectory(received())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(received())) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
