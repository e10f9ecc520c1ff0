package io.connectionrelay.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.connectionrelay.poll.TerminalApi.CURRENT;
import static io.connectionrelay.poll.TerminalApi.CURSOR_2;
import static io.connectionrelay.poll.TerminalApi.CURSOR_3;
import static io.connectionrelay.poll.TerminalApi.FAILED_SYNC;
import static io.connectionrelay.poll.TerminalApi.LIST;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The Terminal source end to end: WireMock as Terminal's API, the CSV channel writing real files. */
class TerminalSourceTest {

    static final String API_KEY = "sk_test_terminal_9f8e7d6c5b4a";
    static final String C1 = "conn_01HT0000000000000000000001";
    static final String C2 = "conn_01HT0000000000000000000002";
    static final String C3 = "conn_01HT0000000000000000000003";
    static final String C4 = "conn_01HT0000000000000000000004";
    static final String C5 = "conn_01HT0000000000000000000005";

    @RegisterExtension
    static WireMockExtension terminal = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class TerminalCase extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            p.put("relay.sources", "term-a");
            p.put("relay.source.term-a.vendor", "terminal");
            p.put("relay.source.term-a.base-url", terminal.baseUrl() + TerminalApi.BASE);
            p.put("relay.source.term-a.api-key", API_KEY);
            p.put("relay.source.term-a.page-limit", "2");
            p.put("relay.source.term-a.enrich-concurrency", "4");
            p.put("relay.upstream.retry.max-retries", "2");
            routeEverythingTo(p, "csv");
        }

        void stubHappyApi() {
            TerminalApi.stubPages(terminal, API_KEY, 2);
            TerminalApi.stubCurrentForAll(terminal, API_KEY);
        }

        List<Path> publishedCsv() throws IOException {
            return filesIn(dataDir().resolve("out/csv"));
        }

        /** The published CSV's rows, by connection_id. */
        Map<String, CSVRecord> rows(Path csv) throws IOException {
            try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords()
                        .stream().collect(Collectors.toMap(r -> r.get("connection_id"), Function.identity()));
            }
        }

        /** Every byte the dead-letter store wrote, as text. */
        String deadLetterFiles() throws IOException {
            StringBuilder all = new StringBuilder();
            for (Path file : filesIn(dataDir().resolve("dead-letter"))) {
                all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
            return all.toString();
        }

        static List<Path> filesIn(Path folder) throws IOException {
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(folder)) {
                return files.sorted().toList();
            }
        }
    }

    @Nested
    class Paging extends TerminalCase {

        @Test
        void followsEveryCursorUntilAPageHasNoNextAndWritesOneRowPerConnection() throws Exception {
            stubHappyApi();

            assertThat(runOnce()).isZero();

            // three pages, the opaque cursors URL-encoded on the wire, and nothing after the last one
            terminal.verify(3, getRequestedFor(urlPathEqualTo(LIST)));
            terminal.verify(1, getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("cursor", absent())
                    .withQueryParam("limit", equalTo("2")).withHeader("Authorization", equalTo("Bearer " + API_KEY)));
            terminal.verify(1, getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("cursor", equalTo(CURSOR_2)));
            terminal.verify(1, getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("cursor", equalTo(CURSOR_3)));
            List<String> listUrls = terminal.getAllServeEvents().stream().map(e -> e.getRequest().getUrl())
                    .filter(u -> u.startsWith(LIST + "?")).toList();
            assertThat(listUrls).anyMatch(u -> u.contains("cursor=cD0y%2BMDIx%2FLTAx%3D%3D"));

            List<Path> files = publishedCsv();
            assertThat(files).hasSize(1);
            assertThat(files.get(0).getFileName().toString()).matches("term-a-\\d{8}T\\d{9}Z\\.csv");
            Map<String, CSVRecord> rows = rows(files.get(0));
            assertThat(rows).containsOnlyKeys(C1, C2, C3, C4, C5);
            CSVRecord acme = rows.get(C1);
            assertThat(acme.get("source")).isEqualTo("term-a");
            assertThat(acme.get("vendor")).isEqualTo("terminal");
            assertThat(acme.get("status")).isEqualTo("ACTIVE");
            assertThat(acme.get("vendor_status")).isEqualTo("connected");
            assertThat(acme.get("counterparty_name")).isEqualTo("Acme Inc.");
            assertThat(acme.get("counterparty_id")).isEqualTo("1234567");
            assertThat(acme.get("contact_name")).isEqualTo("John Doe");
            assertThat(acme.get("contact_email")).isEqualTo("john.doe@acme.example");
            assertThat(acme.get("provider")).isEqualTo("geotab");
            assertThat(acme.get("created_at")).isEqualTo("2026-01-06T03:24:53Z");
            assertThat(acme.get("last_sync_status")).isEqualTo("completed");
            assertThat(acme.get("last_sync_failure")).isEmpty();
            assertThat(rows.get(C2).get("counterparty_name")).isEqualTo("Stevens, Smith and \"Krause\" Freight");
            assertThat(rows.get(C2).get("counterparty_id")).isEqualTo("7654321;7654322");
            assertThat(rows.get(C4).get("counterparty_name")).isEqualTo("Ωmega Λogistics (Samsara)");
            assertThat(rows.get(C4).get("provider")).isEqualTo("Samsara");
            assertThat(summary().polledCounts()).containsEntry("term-a", 5L);
            assertThat(Files.readString(files.get(0))).doesNotContain("con_tkn_").doesNotContain(API_KEY);
        }

        @Test
        void readsEachConnectionsDetailsWithItsOwnConnectionToken() throws Exception {
            stubHappyApi();

            assertThat(runOnce()).isZero();

            terminal.verify(5, getRequestedFor(urlPathEqualTo(CURRENT)));
            TerminalApi.tokens().forEach((id, token) -> terminal.verify(1, getRequestedFor(urlPathEqualTo(CURRENT))
                    .withHeader("Connection-Token", equalTo(token))
                    .withHeader("Authorization", equalTo("Bearer " + API_KEY))));
            // a connection token goes only to its own details call, never to the list
            terminal.verify(0, getRequestedFor(urlPathEqualTo(LIST)).withHeader("Connection-Token", matching(".*")));
            Map<String, CSVRecord> rows = rows(publishedCsv().get(0));
            assertThat(rows.get(C2).get("last_sync_status")).isEqualTo("failed");
            assertThat(rows.get(C2).get("last_sync_failure")).isEqualTo(FAILED_SYNC);
            assertThat(rows.values()).filteredOn(r -> !r.get("connection_id").equals(C2))
                    .allSatisfy(r -> assertThat(r.get("last_sync_status")).isEqualTo("completed"));
        }

        @Test
        void mapsTerminalStatusesWithTheDefaultMapping() throws Exception {
            stubHappyApi();

            assertThat(runOnce()).isZero();

            assertThat(summary().routedCounts())
                    .containsEntry("ACTIVE -> csv", 2L)
                    .containsEntry("PENDING -> csv", 1L)
                    .containsEntry("INACTIVE -> csv", 2L);
            Map<String, CSVRecord> rows = rows(publishedCsv().get(0));
            assertThat(rows.get(C1).get("status")).isEqualTo("ACTIVE");
            assertThat(rows.get(C2).get("status")).isEqualTo("PENDING");
            assertThat(rows.get(C3).get("status")).isEqualTo("INACTIVE");
            assertThat(rows.get(C4).get("status")).isEqualTo("INACTIVE");
            assertThat(rows.get(C5).get("status")).isEqualTo("ACTIVE");
        }
    }

    @Nested
    class StatusMappingFromConfig extends TerminalCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            // this deployment gives up on disconnected carriers and routes nothing inactive
            p.put("relay.vendor.terminal.status-mapping",
                    "connected:ACTIVE,disconnected:INACTIVE,archived:INACTIVE,pending_deletion:INACTIVE");
            p.put("relay.routing.inactive", "");
        }

        @Test
        void mapsStatusesAsConfigured() throws Exception {
            stubHappyApi();

            assertThat(runOnce()).isZero();

            assertThat(summary().routedCounts())
                    .containsEntry("ACTIVE -> csv", 2L)
                    .containsEntry("INACTIVE -> (no channel)", 3L)
                    .doesNotContainKey("PENDING -> csv");
            assertThat(rows(publishedCsv().get(0))).containsOnlyKeys(C1, C5);
        }
    }

    @Nested
    class OneEnrichmentAtATime extends TerminalCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.source.term-a.enrich-concurrency", "1");
            p.put("relay.source.term-a.page-limit", "10");
        }

        @Test
        void neverOverlapsDetailCalls() throws Exception {
            List<String> ids = stubOnePageOfSlowConnections(terminal, 10, 8);

            assertThat(runOnce()).isZero();

            assertThat(rows(publishedCsv().get(0))).containsOnlyKeys(ids);
            assertThat(TerminalApi.maxConcurrent(terminal, CURRENT)).isEqualTo(1);
        }
    }

    @Nested
    class FourEnrichmentsAtATime extends TerminalCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.source.term-a.enrich-concurrency", "4");
            p.put("relay.source.term-a.page-limit", "10");
        }

        @Test
        void overlapsDetailCallsButNeverMoreThanFour() throws Exception {
            List<String> ids = stubOnePageOfSlowConnections(terminal, 10, 10);

            assertThat(runOnce()).isZero();

            assertThat(rows(publishedCsv().get(0))).containsOnlyKeys(ids);
            assertThat(TerminalApi.maxConcurrent(terminal, CURRENT)).isBetween(2, 4);
        }
    }

    /** One page of n connections whose details each take 150 ms to arrive. */
    static List<String> stubOnePageOfSlowConnections(WireMockExtension terminal, int limit, int n) {
        JsonNode template = TerminalApi.items().get(C1);
        var page = TerminalApi.read("{\"results\":[]}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode item = template.deepCopy();
            String id = "conn_slow_" + i;
            item.put("id", id);
            item.put("token", "con_tkn_slow_" + i);
            ((com.fasterxml.jackson.databind.node.ArrayNode) page.path("results")).add(item);
            terminal.stubFor(TerminalApi.current(API_KEY, "con_tkn_slow_" + i)
                    .willReturn(TerminalApi.currentAnswer(item, "completed").withFixedDelay(150)));
            ids.add(id);
        }
        terminal.stubFor(TerminalApi.page(API_KEY, limit, null).willReturn(okJson(page.toString())));
        return ids;
    }

    @Nested
    class Failures extends TerminalCase {

        @Test
        void anUnmappableConnectionIsDeadLetteredAloneAndItsSiblingsAreDelivered() throws Exception {
            TerminalApi.stubPages(terminal, API_KEY, 2);
            TerminalApi.stubCurrentForAll(terminal, API_KEY);
            // connection 3's details say it is in a state the mapping does not know
            JsonNode c3 = TerminalApi.items().get(C3);
            ObjectNode odd = (ObjectNode) TerminalApi.read(TerminalApi.currentConnection(c3, "completed"));
            terminal.stubFor(TerminalApi.current(API_KEY, c3.path("token").asText()).atPriority(1)
                    .willReturn(okJson(odd.toString())));
            terminal.stubFor(TerminalApi.page(API_KEY, 2, CURSOR_2).atPriority(1).willReturn(okJson(
                    Fixtures.text("terminal/page-2.json").replace("\"archived\"", "\"suspended\""))));

            assertThat(runOnce()).isEqualTo(1);

            assertThat(rows(publishedCsv().get(0))).containsOnlyKeys(C1, C2, C4, C5);
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            DeadLetterEntry entry = entries.get(0);
            assertThat(entry.stage()).isEqualTo("normalize");
            assertThat(entry.source()).isEqualTo("term-a");
            assertThat(entry.error()).contains("RecordMappingException", C3, "'suspended'",
                    "relay.vendor.terminal.status-mapping", "RELAY_VENDOR_TERMINAL_STATUS_MAPPING");
            String payload = Files.readString(deadLetters().payloadOf(entry));
            assertThat(TerminalApi.read(payload).path("id").asText()).isEqualTo(C3);
            assertThat(TerminalApi.read(payload).path("lastSync").path("status").asText()).isEqualTo("completed");
            assertThat(deadLetterFiles()).doesNotContain("con_tkn_").doesNotContain(API_KEY);
        }

        @Test
        void aConnectionWhoseDetailsKeepFailingIsDeadLetteredAloneAfterRetries() throws Exception {
            stubHappyApi();
            String token3 = TerminalApi.tokens().get(C3);
            terminal.stubFor(TerminalApi.current(API_KEY, token3).atPriority(1)
                    .willReturn(aResponse().withStatus(503).withBody("{\"code\":\"internal_server_error\"}")));

            assertThat(runOnce()).isEqualTo(1);

            // one call and max-retries (2) retries, then the record alone is dead-lettered
            terminal.verify(3, getRequestedFor(urlPathEqualTo(CURRENT)).withHeader("Connection-Token", equalTo(token3)));
            assertThat(rows(publishedCsv().get(0))).containsOnlyKeys(C1, C2, C4, C5);
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            DeadLetterEntry entry = entries.get(0);
            assertThat(entry.stage()).isEqualTo("enrich");
            assertThat(entry.httpStatus()).isEqualTo(503);
            assertThat(entry.replayUri()).isEqualTo("direct:poll-term-a");
            assertThat(entry.properties()).containsEntry("relayOnlyConnection", C3);
            assertThat(TerminalApi.read(Files.readString(deadLetters().payloadOf(entry))).path("id").asText())
                    .isEqualTo(C3);
            assertThat(deadLetterFiles()).doesNotContain("con_tkn_").doesNotContain(API_KEY);
        }

        @Test
        void aTransientDetailsFailureIsRetriedAndTheRecordDelivered() throws Exception {
            stubHappyApi();
            JsonNode c1 = TerminalApi.items().get(C1);
            String token1 = c1.path("token").asText();
            terminal.stubFor(TerminalApi.current(API_KEY, token1).atPriority(1).inScenario("flaky")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0.05")
                            .withBody("{\"code\":\"too_many_requests\",\"retryAfter\":0.05}"))
                    .willSetStateTo("recovered"));
            terminal.stubFor(TerminalApi.current(API_KEY, token1).atPriority(1).inScenario("flaky")
                    .whenScenarioStateIs("recovered").willReturn(TerminalApi.currentAnswer(c1, "completed")));

            assertThat(runOnce()).isZero();

            terminal.verify(2, getRequestedFor(urlPathEqualTo(CURRENT)).withHeader("Connection-Token", equalTo(token1)));
            assertThat(rows(publishedCsv().get(0)).get(C1).get("last_sync_status")).isEqualTo("completed");
            assertThat(deadLetters().list()).isEmpty();
        }

        @Test
        void aPageThatKeepsFailingFailsTheCycleAndPublishesNothing() throws Exception {
            stubHappyApi();
            terminal.stubFor(TerminalApi.page(API_KEY, 2, CURSOR_2).atPriority(1)
                    .willReturn(aResponse().withStatus(500).withBody("{\"code\":\"internal_server_error\"}")));

            assertThat(runOnce()).isEqualTo(1);

            terminal.verify(3, getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("cursor", equalTo(CURSOR_2)));
            terminal.verify(0, getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("cursor", equalTo(CURSOR_3)));
            assertThat(publishedCsv()).isEmpty();
            assertThat(filesIn(dataDir().resolve("staging/csv"))).isEmpty();
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).httpStatus()).isEqualTo(500);
            assertThat(entries.get(0).source()).isEqualTo("term-a");
            assertThat(summary().polledCounts()).doesNotContainKey("term-a");
        }

        @Test
        void aTruncatedPageFailsTheCycleWithoutDeadLetteringItsTokens() throws Exception {
            stubHappyApi();
            String page2 = Fixtures.text("terminal/page-2.json");
            terminal.stubFor(TerminalApi.page(API_KEY, 2, CURSOR_2).atPriority(1)
                    .willReturn(okJson(page2.substring(0, page2.indexOf("\"status\"")))));

            assertThat(runOnce()).isEqualTo(1);

            assertThat(publishedCsv()).isEmpty();
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).stage()).isEqualTo("poll");
            assertThat(entries.get(0).error()).contains("MalformedPayloadException", "malformed JSON");
            assertThat(deadLetterFiles()).doesNotContain("con_tkn_").doesNotContain(API_KEY);
        }
    }

    @Nested
    class Secrets extends TerminalCase {

        @Test
        void neitherTheApiKeyNorAnyConnectionTokenIsLoggedOrDeadLettered() throws Exception {
            ListAppender<ILoggingEvent> logs = new ListAppender<>();
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            logs.start();
            root.addAppender(logs);
            try {
                stubHappyApi();
                Map<String, String> tokens = TerminalApi.tokens();
                // every way one record can fail: details refused, details down, details for another connection, unmappable
                terminal.stubFor(TerminalApi.current(API_KEY, tokens.get(C1)).atPriority(1)
                        .willReturn(aResponse().withStatus(403).withBody("{\"code\":\"forbidden\"}")));
                terminal.stubFor(TerminalApi.current(API_KEY, tokens.get(C2)).atPriority(1)
                        .willReturn(aResponse().withStatus(504).withBody("{\"code\":\"gateway_timeout\"}")));
                terminal.stubFor(TerminalApi.current(API_KEY, tokens.get(C3)).atPriority(1).willReturn(
                        TerminalApi.currentAnswer(TerminalApi.items().get(C4), "completed")));
                terminal.stubFor(TerminalApi.page(API_KEY, 2, CURSOR_3).atPriority(1).willReturn(okJson(
                        Fixtures.text("terminal/page-3.json").replace("2026-06-30T23:59:59.000Z", "yesterday"))));

                assertThat(runOnce()).isEqualTo(1);
            } finally {
                root.detachAppender(logs);
            }

            assertThat(rows(publishedCsv().get(0))).containsOnlyKeys(C5);
            assertThat(deadLetters().list()).extracting(DeadLetterEntry::stage)
                    .containsExactlyInAnyOrder("enrich", "enrich", "enrich", "normalize");
            String deadLettered = deadLetterFiles();
            String logged = logs.list.stream().map(e -> e.getFormattedMessage() + " "
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()))
                    .collect(Collectors.joining("\n"));
            assertThat(logged).contains("Dead-lettered");
            for (String secret : secrets()) {
                assertThat(deadLettered).doesNotContain(secret);
                assertThat(logged).doesNotContain(secret);
            }
        }

        private List<String> secrets() {
            List<String> secrets = new ArrayList<>(TerminalApi.tokens().values());
            secrets.add(API_KEY);
            return secrets;
        }
    }

    @Nested
    class Replay extends TerminalCase {

        @Test
        void replayingAFailedConnectionPollsAgainForThatConnectionOnly() throws Exception {
            stubHappyApi();
            String token3 = TerminalApi.tokens().get(C3);
            terminal.stubFor(TerminalApi.current(API_KEY, token3).atPriority(1)
                    .willReturn(aResponse().withStatus(503)));
            assertThat(runOnce()).isEqualTo(1);
            assertThat(deadLetters().list()).hasSize(1);
            // Terminal has recovered: the newest stub of equal priority wins
            terminal.stubFor(TerminalApi.current(API_KEY, token3).atPriority(1)
                    .willReturn(TerminalApi.currentAnswer(TerminalApi.items().get(C3), "completed")));

            assertThat(DeadLetterCommands.replay(context, deadLetters(), null)).isTrue();

            assertThat(deadLetters().list()).isEmpty();
            List<Path> files = publishedCsv();
            assertThat(files).hasSize(2);
            List<Map<String, CSVRecord>> csvs = new ArrayList<>();
            for (Path file : files) {
                csvs.add(rows(file));
            }
            assertThat(csvs).anySatisfy(rows -> assertThat(rows).containsOnlyKeys(C3));
            // the replay's file holds one connection: it must not read as the newest full snapshot
            for (int i = 0; i < files.size(); i++) {
                assertThat(files.get(i).getFileName().toString())
                        .startsWith(csvs.get(i).keySet().equals(Set.of(C3)) ? "term-a-replay-" : "term-a-2");
            }
            terminal.verify(1 + 3, getRequestedFor(urlPathEqualTo(CURRENT)).withHeader("Connection-Token", equalTo(token3)));
        }
    }
}
