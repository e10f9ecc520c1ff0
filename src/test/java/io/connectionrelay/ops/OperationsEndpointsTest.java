package io.connectionrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health and metrics served over HTTP by the relay's embedded server, after real cycles against WireMock. */
class OperationsEndpointsTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class OpsCase extends RelayTestSupport {



        @Override
        protected void testProperties(Properties p) {
            serveManagementPort(p);
            cruxSource(p, crux.baseUrl());
            p.put("relay.upstream.retry.max-retries", "0");
        }

        HttpResponse<String> http(String path) throws Exception {
            return Http.get(managementPort(), path);
        }

        MetricsScrape scrape() throws Exception {
            HttpResponse<String> response = http("/observe/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            return new MetricsScrape(response.body());
        }
    }

    @Nested
    class AfterAOneShotCycle extends OpsCase {

        @Test
        void metricsReportWhatTheCycleDid() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections-hostile.json"))));

            assertThat(runOnce()).isZero();

            MetricsScrape metrics = scrape();
            String folder = dataDir().resolve("out/csv").toString();
            assertThat(metrics.value("relay_records_polled_total", "source", "crux-a")).hasValue(3);
            assertThat(metrics.value("relay_records_routed_total", "status", "ACTIVE", "channel", "csv")).hasValue(1);
            assertThat(metrics.value("relay_records_routed_total", "status", "PENDING", "channel", "csv")).hasValue(1);
            assertThat(metrics.value("relay_records_routed_total", "status", "INACTIVE", "channel", "csv")).hasValue(1);
            assertThat(metrics.value("relay_deliveries_total", "channel", "csv", "target", folder)).hasValue(1);
            assertThat(metrics.find("relay_delivery_failures_total")).isEmpty();
            assertThat(metrics.find("relay_dead_letters_total")).isEmpty();
            assertThat(metrics.value("relay_dead_letter_entries")).hasValue(0);
            assertThat(metrics.value("relay_cycles_total", "source", "crux-a", "outcome", "success")).hasValue(1);
            assertThat(metrics.value("relay_cycle_consecutive_failures", "source", "crux-a")).hasValue(0);
            assertThat(metrics.value("relay_cycle_last_success_timestamp_seconds", "source", "crux-a"))
                    .hasValue(NOW.getEpochSecond());
            assertThat(metrics.value("relay_cycle_last_duration_seconds", "source", "crux-a").getAsDouble())
                    .isPositive();
            // Camel's own route metrics come with the same endpoint
            assertThat(metrics.find("camel_exchanges_total", "routeId", "poll-crux-a")).hasSize(1);
            // the one-shot summary reads the same counters
            assertThat(summary().polledCounts()).containsExactly(java.util.Map.entry("crux-a", 3L));
            assertThat(summary().deliveredCounts()).containsExactly(java.util.Map.entry("csv -> " + folder, 1L));
        }

        @Test
        void livenessAndReadinessAreUp() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections.json"))));
            assertThat(runOnce()).isZero();

            assertThat(http("/observe/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = http("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"UP\"");
            assertThat(http("/observe/health?exposureLevel=full").body()).contains("relay-cycles");
        }
    }

    @Nested
    class Readiness extends OpsCase {

        @Test
        void goesDownAfterThreeFailedCyclesAndUpAfterASuccess() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withStatus(503).withBody("maintenance")));

            for (int cycle = 1; cycle <= 2; cycle++) {
                assertThat(runOnce()).isEqualTo(1);
                assertThat(http("/observe/health/ready").statusCode()).as("after failed cycle %d", cycle).isEqualTo(200);
            }
            assertThat(runOnce()).isEqualTo(1);

            HttpResponse<String> ready = http("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"", "relay-cycles", "crux-a");
            assertThat(http("/observe/health/live").statusCode()).isEqualTo(200);
            MetricsScrape failing = scrape();
            assertThat(failing.value("relay_cycle_consecutive_failures", "source", "crux-a")).hasValue(3);
            assertThat(failing.value("relay_cycles_total", "source", "crux-a", "outcome", "failure")).hasValue(3);
            assertThat(failing.value("relay_cycle_last_success_timestamp_seconds", "source", "crux-a")).hasValue(0);
            assertThat(failing.value("relay_dead_letters_total", "stage", "poll")).hasValue(3);
            assertThat(failing.value("relay_dead_letter_entries")).as("the same failure each time: one entry")
                    .hasValue(1);
            assertThat(failing.value("relay_ready")).as("readiness as a series, for alerts").hasValue(0);

            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections.json"))));
            assertThat(runOnce()).isEqualTo(1); // the earlier dead letters still count against the run

            assertThat(http("/observe/health/ready").statusCode()).isEqualTo(200);
            MetricsScrape recovered = scrape();
            assertThat(recovered.value("relay_cycle_consecutive_failures", "source", "crux-a")).hasValue(0);
            assertThat(recovered.value("relay_ready")).hasValue(1);
        }
    }

    @Nested
    class CsvPublishFails extends OpsCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            // a regular file where the output folder should be: the publish cannot create its file
            p.put("relay.csv.folder", dataDir().resolve("not-a-folder").toString());
        }

        @Test
        void countsAFailedDeliveryAndADeadLetter() throws Exception {
            Path notAFolder = dataDir().resolve("not-a-folder");
            Files.writeString(notAFolder, "x");
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections.json"))));

            assertThat(runOnce()).isEqualTo(1);

            MetricsScrape metrics = scrape();
            assertThat(metrics.value("relay_delivery_failures_total", "channel", "csv", "target", notAFolder.toString()))
                    .hasValue(1);
            assertThat(metrics.find("relay_deliveries_total")).isEmpty();
            assertThat(metrics.value("relay_dead_letters_total", "stage", "csv")).hasValue(1);
            assertThat(deadLetters().list()).singleElement()
                    .satisfies(entry -> assertThat(entry.step()).isEqualTo("csv-publish"));
        }
    }
}
