package io.connectionrelay.deadletter;

import io.connectionrelay.app.DeadLetterCommands;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** --replay sends a dead-letter entry back into the step that failed, against a Crux source in WireMock. */
class DeadLetterReplayTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String SUSPENDED_ID = "6b062210-6f5f-45bb-bf9a-100574368013";
    static final String SNAPSHOT_NAME = "crux-a-\\d{8}T\\d{9}Z\\.csv";
    static final String REPLAY_NAME = "crux-a-replay-\\d{8}T\\d{9}Z\\.csv";
    static final String HOOKS = "/hooks";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class ReplayCase extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, crux.baseUrl());
            p.put("relay.upstream.retry.max-retries", "2");
            shareStateDatabase(p);
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

        /** --replay as a new process would run it: a fresh Camel Main over the same folders and database. */
        int replayInNewProcess(String flag, Properties changes) throws Exception {
            return DeadLetterCommands.run(commandProcess(changes), flag);
        }
    }

    @Nested
    class PollFailure extends ReplayCase {

        @Test
        void replaysOneEntryByIdOnceTheUpstreamIsHealthy() throws Exception {
            // two different failures, two entries
            crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withStatus(503)));
            assertThat(runOnce()).isEqualTo(1);
            crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withStatus(502)));
            assertThat(runOnce()).isEqualTo(1);
            List<DeadLetterEntry> failed = deadLetters().list();
            assertThat(failed).hasSize(2);
            assertThat(publishedCsv()).isEmpty();

            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections.json"))));
            assertThat(DeadLetterCommands.replay(context, deadLetters(), failed.get(0).id())).isTrue();

            assertThat(deadLetters().list()).containsExactly(failed.get(1));
            assertThat(publishedCsv()).hasSize(1);
            assertThat(Files.readString(publishedCsv().get(0)).lines()).hasSize(4);
        }

        @Test
        void anEntryWhoseReplayFailsAgainIsKeptAndUpdated() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withStatus(503)));
            assertThat(runOnce()).isEqualTo(1);
            DeadLetterEntry before = deadLetters().list().get(0);
            assertThat(before.attempts()).isEqualTo(3);

            assertThat(DeadLetterCommands.replay(context, deadLetters(), null)).isFalse();

            List<DeadLetterEntry> after = deadLetters().list();
            assertThat(after).hasSize(1);
            DeadLetterEntry updated = after.get(0);
            assertThat(updated.id()).isEqualTo(before.id());
            assertThat(updated.attempts()).isEqualTo(6);
            assertThat(updated.replays()).isEqualTo(1);
            assertThat(updated.firstFailedAt()).isEqualTo(before.firstFailedAt());
            assertThat(updated.failedAt()).isAfter(before.failedAt());
        }
    }

    @Nested
    class UnmappableRecord extends ReplayCase {

        @Test
        void replaysIntoNormalizeOnceTheStatusMappingIsFixedAndPublishesItInANewCsv() throws Exception {
            ObjectMapper json = new ObjectMapper();
            ArrayNode connections = (ArrayNode) json.readTree(Fixtures.text("crux-connections.json"));
            ((ObjectNode) connections.get(1)).put("status", "SUSPENDED");
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(json.writeValueAsString(connections))));

            assertThat(runOnce()).isEqualTo(1);
            assertThat(publishedCsv()).hasSize(1);
            assertThat(Files.readString(publishedCsv().get(0))).doesNotContain(SUSPENDED_ID);
            DeadLetterEntry entry = deadLetters().list().get(0);
            assertThat(entry.stage()).isEqualTo("normalize");
            assertThat(entry.error()).contains("unknown vendor status 'SUSPENDED'", "relay.vendor.crux.status-mapping");

            // an operator replays with the old mapping: nothing changes but the entry's history
            assertThat(replayInNewProcess("--replay", new Properties())).isEqualTo(1);
            assertThat(deadLetters().list()).singleElement().satisfies(e -> {
                assertThat(e.id()).isEqualTo(entry.id());
                assertThat(e.replays()).isEqualTo(1);
            });

            Properties fixed = new Properties();
            fixed.put("relay.vendor.crux.status-mapping",
                    "ACTIVE:ACTIVE,CONFIRMATION WAITING:PENDING,DEACTIVATED:INACTIVE,SUSPENDED:INACTIVE");
            assertThat(replayInNewProcess("--replay=" + entry.id(), fixed)).isZero();

            assertThat(deadLetters().list()).isEmpty();
            List<Path> csv = publishedCsv();
            assertThat(csv).extracting(p -> p.getFileName().toString()).satisfiesExactly(
                    snapshot -> assertThat(snapshot).matches(SNAPSHOT_NAME),
                    replay -> assertThat(replay).matches(REPLAY_NAME));
            // the snapshot stays what the poll saw; the replayed row is in a file that says it is a replay
            assertThat(Files.readString(csv.get(0)).lines()).hasSize(3).noneMatch(l -> l.contains(SUSPENDED_ID));
            List<String> replayed = Files.readString(csv.get(1)).lines().toList();
            assertThat(replayed).hasSize(2);
            assertThat(replayed.get(0)).startsWith("source,vendor,connection_id,status,");
            assertThat(replayed.get(1)).startsWith("crux-a,crux," + SUSPENDED_ID + ",INACTIVE,SUSPENDED,");
            assertThat(Files.list(dataDir().resolve("staging/csv"))).isEmpty();
        }
    }

    /**
     * Only webhook deliveries failed: their replay publishes no CSV at all (no header-only file
     * under a snapshot's name), since no replayed record was routed to csv.
     */
    @Nested
    class WebhookFailure extends ReplayCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            routeEverythingTo(p, "csv,webhook");
            p.put("relay.webhook.subscribers", "crm-a");
            p.put("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS);
            p.put("relay.webhook.subscriber.crm-a.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            p.put("relay.webhook.max-retries", "0");
        }

        @Test
        void replayingWebhooksPublishesNoCsv() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections.json"))));
            crm.stubFor(post(urlPathEqualTo(HOOKS)).willReturn(aResponse().withStatus(410)));
            assertThat(runOnce()).isEqualTo(1);
            assertThat(publishedCsv()).singleElement()
                    .satisfies(csv -> assertThat(csv.getFileName().toString()).matches(SNAPSHOT_NAME));
            assertThat(deadLetters().list()).hasSize(3).allSatisfy(e -> assertThat(e.channel()).isEqualTo("webhook"));

            crm.stubFor(post(urlPathEqualTo(HOOKS)).willReturn(ok()));
            assertThat(DeadLetterCommands.replay(context, deadLetters(), null)).isTrue();

            assertThat(deadLetters().list()).isEmpty();
            assertThat(crm.getAllServeEvents()).filteredOn(e -> e.getResponse().getStatus() == 200).hasSize(3);
            assertThat(publishedCsv()).as("nothing but the cycle's own snapshot").singleElement()
                    .satisfies(csv -> assertThat(csv.getFileName().toString()).matches(SNAPSHOT_NAME));
            assertThat(Files.list(dataDir().resolve("staging/csv"))).isEmpty();
        }
    }
}
