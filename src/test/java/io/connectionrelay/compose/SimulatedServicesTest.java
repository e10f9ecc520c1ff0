package io.connectionrelay.compose;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The WireMock files docker-compose.yml serves (docker/wiremock/), loaded into WireMock here as the
 * containers load them: the simulated upstream answers what the relay asks, the way the vendors'
 * documentation says, with bodies that are the project's example payloads; the webhook receiver
 * accepts deliveries.
 */
class SimulatedServicesTest {

    static final Path UPSTREAM = Path.of("docker/wiremock/upstream");

    @RegisterExtension
    static WireMockExtension upstream = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().usingFilesUnderDirectory(UPSTREAM.toString())).build();

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().usingFilesUnderDirectory("docker/wiremock/webhook-receiver")).build();

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @Nested
    class CruxAsTheRelayPollsIt extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            p.put("relay.sources", "crux-sim");
            p.put("relay.source.crux-sim.vendor", "crux");
            p.put("relay.source.crux-sim.base-url", upstream.baseUrl() + "/crux");
            p.put("relay.source.crux-sim.username", "ops@example.com");
            p.put("relay.source.crux-sim.password", "any-password");
        }

        @Test
        void logsInAndDeliversTheExamplePayload() throws Exception {
            assertThat(runOnce()).isZero();

            assertThat(summary().polledCounts()).containsEntry("crux-sim", 3L);
            try (var files = Files.list(dataDir().resolve("out/csv"))) {
                assertThat(files).hasSize(1);
            }
        }
    }

    @Test
    void cruxRefusesAPollWithoutTheToken() throws Exception {
        assertThat(get("/crux/timp/organizations/connections/", "Authorization", "Token stale").statusCode()).isEqualTo(401);
    }

    @Test
    void terminalPagesTheListThenDetailsEachConnectionByItsToken() throws Exception {
        JsonNode first = JSON.readTree(get("/terminal/tsp/v1/connections?limit=50", "Authorization", "Bearer sk_x").body());
        JsonNode last = JSON.readTree(get("/terminal/tsp/v1/connections?limit=50&cursor=" + first.get("next").asText(),
                "Authorization", "Bearer sk_x").body());

        assertThat(last.has("next")).isFalse();
        for (JsonNode page : new JsonNode[] {first, last}) {
            JsonNode listed = page.get("results").get(0);
            assertThat(listed.has("lastSync")).as("list items carry no lastSync").isFalse();
            HttpResponse<String> current = get("/terminal/tsp/v1/connections/current", "Authorization", "Bearer sk_x",
                    "Connection-Token", listed.get("token").asText());
            assertThat(current.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(current.body()).get("id")).isEqualTo(listed.get("id"));
        }
        assertThat(get("/terminal/tsp/v1/connections", "Accept", "application/json").statusCode()).isEqualTo(401);
    }

    @Test
    void bodiesAreTheProjectsExamplePayloads() throws Exception {
        Path demo = Path.of("src/main/resources/demo");
        assertThat(UPSTREAM.resolve("__files/crux-connections.json")).hasSameTextualContentAs(demo.resolve("crux-connections.json"));
        assertThat(UPSTREAM.resolve("__files/terminal-connection-current-1.json"))
                .hasSameTextualContentAs(demo.resolve("terminal-connection-current.json"));
    }

    @Test
    void theWebhookReceiverAcceptsDeliveries() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(receiver.baseUrl() + "/crm/connections"))
                .header("webhook-id", "msg_1").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(204);
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path)).headers(headers).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
