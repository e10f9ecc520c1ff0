package io.connectionrelay.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Crux instances and one Terminal instance configured together, scheduled (not one-shot):
 * each polls its own address with its own credentials on its own timer.
 */
class ManySourcesTest extends RelayTestSupport {

    static final String CRUX_CONNECTIONS = "/timp/organizations/connections/";
    static final String CRUX_LOGIN = "/timp/organizations/user-login/";
    static final String TERMINAL_KEY = "sk_test_many_sources_key";

    @RegisterExtension
    static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    protected void testProperties(Properties p) {
        p.put("relay.once", "false");
        p.put("relay.sources", "crux-a,crux-b,fleet");
        // crux-a: a fixed token, polled every 200 ms
        p.put("relay.source.crux-a.vendor", "crux");
        p.put("relay.source.crux-a.base-url", upstream.baseUrl() + "/a");
        p.put("relay.source.crux-a.token", "token-for-a");
        p.put("relay.source.crux-a.period", "200ms");
        p.put("relay.source.crux-a.initial-delay", "0s");
        // crux-b: logs in with its own account; polled once an hour, so once during this test
        p.put("relay.source.crux-b.vendor", "crux");
        p.put("relay.source.crux-b.base-url", upstream.baseUrl() + "/b");
        p.put("relay.source.crux-b.username", "ops-b@example.com");
        p.put("relay.source.crux-b.password", "password-for-b");
        p.put("relay.source.crux-b.period", "1h");
        p.put("relay.source.crux-b.initial-delay", "0s");
        // fleet: Terminal, every 300 ms
        p.put("relay.source.fleet.vendor", "terminal");
        p.put("relay.source.fleet.base-url", upstream.baseUrl() + TerminalApi.BASE);
        p.put("relay.source.fleet.api-key", TERMINAL_KEY);
        p.put("relay.source.fleet.page-limit", "2");
        p.put("relay.source.fleet.period", "300ms");
        p.put("relay.source.fleet.initial-delay", "0s");
        routeEverythingTo(p, "csv");
    }

    @Override
    protected void doPreSetup() {
        // stubs must be in place before the context starts: the timers fire straight away
        upstream.stubFor(get("/a" + CRUX_CONNECTIONS).withHeader("Authorization", equalTo("Token token-for-a"))
                .willReturn(okJson(Fixtures.text("crux-connections.json"))));
        upstream.stubFor(post("/b" + CRUX_LOGIN)
                .withRequestBody(equalToJson("{\"username\":\"ops-b@example.com\",\"password\":\"password-for-b\"}"))
                .willReturn(okJson("{\"auth_token\":\"issued-for-b\"}")));
        upstream.stubFor(get("/b" + CRUX_CONNECTIONS).withHeader("Authorization", equalTo("Token issued-for-b"))
                .willReturn(okJson(Fixtures.text("crux-connections.json"))));
        TerminalApi.stubPages(upstream, TERMINAL_KEY, 2);
        TerminalApi.stubCurrentForAll(upstream, TERMINAL_KEY);
    }

    @Test
    void everyInstancePollsOnItsOwnScheduleWithItsOwnCredentials() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(count("/a" + CRUX_CONNECTIONS)).isGreaterThanOrEqualTo(3);
            assertThat(upstream.findAll(getRequestedFor(urlPathEqualTo(TerminalApi.LIST))
                    .withQueryParam("cursor", WireMock.absent()))).hasSizeGreaterThanOrEqualTo(3);
            assertThat(csvFilesOf("crux-a")).isGreaterThanOrEqualTo(3);
            assertThat(csvFilesOf("fleet")).isGreaterThanOrEqualTo(3);
            assertThat(csvFilesOf("crux-b")).isEqualTo(1);
        });

        // the hourly instance polled once while the others repeated
        assertThat(count("/b" + CRUX_CONNECTIONS)).isEqualTo(1);
        upstream.verify(1, postRequestedFor(urlEqualTo("/b" + CRUX_LOGIN)));
        // no instance ever sent another's credentials
        upstream.verify(0, getRequestedFor(urlPathMatching("/a/.*")).withHeader("Authorization", notContaining("token-for-a")));
        upstream.verify(0, getRequestedFor(urlPathMatching("/b/.*")).withHeader("Authorization", notContaining("issued-for-b")));
        upstream.verify(0, getRequestedFor(urlPathMatching(TerminalApi.BASE + "/.*"))
                .withHeader("Authorization", notContaining(TERMINAL_KEY)));
        upstream.verify(0, postRequestedFor(urlPathMatching("/a/.*")));
        assertThat(deadLetters().list()).isEmpty();
    }

    private int count(String url) {
        return upstream.findAll(getRequestedFor(urlEqualTo(url))).size();
    }

    private long csvFilesOf(String source) throws IOException {
        Path folder = dataDir().resolve("out/csv");
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            return names.stream().filter(n -> n.matches(source + "-\\d{8}T\\d{9}Z\\.csv")).count();
        }
    }
}
