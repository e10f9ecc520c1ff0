package io.connectionrelay.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Crux source end to end: WireMock as the TIMP API, the CSV channel writing real files. */
class CruxSourceTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String LOGIN = "/timp/organizations/user-login/";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class CruxCase extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            p.put("relay.sources", "crux-a");
            p.put("relay.source.crux-a.vendor", "crux");
            p.put("relay.source.crux-a.base-url", crux.baseUrl());
            routeEverythingTo(p, "csv");
            auth(p);
        }

        protected void auth(Properties p) {
            p.put("relay.source.crux-a.token", "fixed-token-123");
        }

        List<Path> publishedCsv() throws IOException {
            Path folder = dataDir().resolve("out/csv");
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(folder)) {
                return files.sorted().toList();
            }
        }
    }

    @Nested
    class FixedToken extends CruxCase {

        @Test
        void writesTheDocumentedCsvForTheSeedPayload() throws Exception {
            crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token fixed-token-123"))
                    .willReturn(okJson(Fixtures.text("crux-connections-hostile.json"))));

            assertThat(runOnce()).isZero();

            List<Path> files = publishedCsv();
            assertThat(files).hasSize(1);
            assertThat(files.get(0).getFileName().toString()).matches("crux-a-\\d{8}T\\d{9}Z\\.csv");
            String csv = Files.readString(files.get(0), StandardCharsets.UTF_8);
            assertThat(csv).isEqualTo(Fixtures.text("expected/crux-hostile.csv"));
            crux.verify(getRequestedFor(urlEqualTo(CONNECTIONS)).withHeader("Authorization", equalTo("Token fixed-token-123")));
            assertThat(Files.list(dataDir().resolve("staging/csv"))).isEmpty();
        }
    }

    @Nested
    class Login extends CruxCase {

        @Override
        protected void auth(Properties p) {
            p.put("relay.source.crux-a.username", "ops@example.com");
            p.put("relay.source.crux-a.password", "s3cret-pass");
        }

        @Test
        void logsInOnceAndSendsTheIssuedToken() throws Exception {
            crux.stubFor(post(LOGIN).withRequestBody(equalToJson("{\"username\":\"ops@example.com\",\"password\":\"s3cret-pass\"}"))
                    .willReturn(okJson("{\"auth_token\":\"issued-1\",\"org_uuid\":\"x\",\"org_type\":\"RETAILER\"}")));
            crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token issued-1"))
                    .willReturn(okJson(Fixtures.text("crux-connections.json"))));

            assertThat(runOnce()).isZero();
            assertThat(runOnce()).isZero();

            crux.verify(1, postRequestedFor(urlEqualTo(LOGIN)));
            crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(summary().polledCounts()).containsEntry("crux-a", 6L);
        }

        @Test
        void aLoginAnsweredWithoutABodyFailsTheCycleWithTheReason() throws Exception {
            crux.stubFor(post(LOGIN).willReturn(aResponse().withStatus(204)));

            assertThat(runOnce()).isEqualTo(1);

            crux.verify(0, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(deadLetters().list()).singleElement().satisfies(entry -> {
                assertThat(entry.stage()).isEqualTo("poll");
                assertThat(entry.error()).contains("returned no auth_token");
            });
            assertThat(summary().failedCycleCounts()).containsEntry("crux-a", 1L);
        }

        @Test
        void a401MidRunLogsInAgainOnceAndSucceeds() throws Exception {
            crux.stubFor(post(LOGIN).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson("{\"auth_token\":\"issued-1\"}")).willSetStateTo("second"));
            crux.stubFor(post(LOGIN).inScenario("login").whenScenarioStateIs("second")
                    .willReturn(okJson("{\"auth_token\":\"issued-2\"}")));
            crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token issued-1"))
                    .willReturn(aResponse().withStatus(401).withBody("{\"detail\":\"Invalid token.\"}")));
            crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token issued-2"))
                    .willReturn(okJson(Fixtures.text("crux-connections.json"))));

            assertThat(runOnce()).isZero();

            crux.verify(2, postRequestedFor(urlEqualTo(LOGIN)));
            crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(publishedCsv()).hasSize(1);
            assertThat(deadLetters().list()).isEmpty();
        }
    }

    @Nested
    class StatusMappingFromConfig extends CruxCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            // this deployment treats waiting confirmations as active and routes nothing else
            p.put("relay.vendor.crux.status-mapping", "ACTIVE:ACTIVE,CONFIRMATION WAITING:ACTIVE,DEACTIVATED:INACTIVE");
            p.put("relay.routing.inactive", "");
        }

        @Test
        void mapsStatusesAsConfigured() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections-hostile.json"))));

            assertThat(runOnce()).isZero();

            assertThat(summary().routedCounts())
                    .containsEntry("ACTIVE -> csv", 2L)
                    .containsEntry("INACTIVE -> (no channel)", 1L);
            String csv = Files.readString(publishedCsv().get(0));
            assertThat(csv).contains(",ACTIVE,CONFIRMATION WAITING,").doesNotContain(",DEACTIVATED,");
        }
    }

    @Nested
    class TruncatedPayload extends CruxCase {

        @Test
        void publishesNoCsvDeadLettersTheRawBodyAndFailsTheRun() throws Exception {
            String full = Fixtures.text("crux-connections.json");
            String truncated = full.substring(0, full.length() / 2);
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(truncated)));

            assertThat(runOnce()).isEqualTo(1);

            assertThat(publishedCsv()).isEmpty();
            var entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).stage()).isEqualTo("poll");
            assertThat(entries.get(0).source()).isEqualTo("crux-a");
            assertThat(entries.get(0).error()).contains("MalformedPayloadException");
            assertThat(Files.readString(deadLetters().payloadOf(entries.get(0)))).isEqualTo(truncated);
        }
    }
}
