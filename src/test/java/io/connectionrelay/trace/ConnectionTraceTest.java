package io.connectionrelay.trace;

import io.connectionrelay.app.TraceCommand;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.core.Settings;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trace of one connection end to end: a Crux source in WireMock, every status routed to csv
 * (a folder), email (GreenMail) and webhook (a WireMock subscriber), two cycles with a status
 * change, and a webhook that fails until it is dead-lettered and then goes through on --replay.
 * --trace (text and JSON) and GET /trace/ID must tell that story in order, with the ids the
 * receiving side saw.
 */
class ConnectionTraceTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String HOOKS = "/hooks";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String TRACED = "c3081fd8-202b-47f2-9347-63d3c27028f1";
    static final String UNCHANGED = "6b062210-6f5f-45bb-bf9a-100574368013";
    static final String UNMAPPABLE = "0d8a6bd4-4d0c-4f4e-9f55-2b1c1b9e1e11";
    static final String MANAGER = "joe@cruxaccountmanager.com";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    abstract static class TraceCase extends RelayTestSupport {



        @Override
        protected void testProperties(Properties p) {
            serveManagementPort(p);
            cruxSource(p, crux.baseUrl());
            routeEverythingTo(p, "csv,email,webhook");
            p.put("relay.webhook.subscribers", "crm-a,crm-pending");
            p.put("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS);
            p.put("relay.webhook.subscriber.crm-a.secret", SECRET);
            // wants PENDING connections only: hears nothing of these, and the trace says why
            p.put("relay.webhook.subscriber.crm-pending.url", crm.baseUrl() + "/pending-hooks");
            p.put("relay.webhook.subscriber.crm-pending.secret", SECRET);
            p.put("relay.webhook.subscriber.crm-pending.statuses", "PENDING");
            p.put("relay.webhook.max-retries", "2");
            p.put("relay.webhook.retry.initial-delay", "20ms");
            p.put("relay.webhook.retry.max-delay", "100ms");
            p.put("relay.email.from", "Connection Relay <relay@relay.example>");
            p.put("relay.email.smtp.host", "127.0.0.1");
            p.put("relay.email.smtp.port", Integer.toString(smtp.getSmtp().getPort()));
            p.put("relay.email.smtp.security", "none");
        }

        @Override
        protected void doPostSetup() throws Exception {
            smtp.purgeEmailFromAllMailboxes();
            crux.resetAll();
            crm.resetAll();
        }

        void serve(String tracedStatus) throws Exception {
            serve(tracedStatus, false);
        }

        /** The documented three connections, the first in tracedStatus, and perhaps one whose status nobody maps. */
        void serve(String tracedStatus, boolean withUnmappable) throws Exception {
            ArrayNode connections = (ArrayNode) JSON.readTree(Fixtures.text("crux-connections.json"));
            ((ObjectNode) connections.get(0)).put("status", tracedStatus);
            if (withUnmappable) {
                connections.add(connections.get(2).deepCopy());
                ((ObjectNode) connections.get(3)).put("uuid", UNMAPPABLE).put("status", "SUSPENDED");
            }
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(JSON.writeValueAsString(connections))));
        }

        void subscriberAnswers(int status) {
            crm.stubFor(post(HOOKS).willReturn(aResponse().withStatus(status)));
        }

        /** What the subscriber received about the traced connection, oldest first: the webhook-id of each event. */
        List<String> webhookIdsReceived() {
            return crm.findAll(postRequestedFor(urlPathEqualTo(HOOKS))).stream()
                    .filter(r -> r.getBodyAsString().contains(TRACED))
                    .map(r -> r.getHeader("webhook-id")).distinct().toList();
        }

        void awaitTraceWritten() throws InterruptedException {
            TraceWriter writer = context.getRegistry().lookupByNameAndType("traceWriter", TraceWriter.class);
            assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        }

        /** --trace as the command line runs it, against this relay's state database. */
        String traceCommand(String... flags) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of(flags));
            int exit = TraceCommand.run(new Settings(context), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(exit).isZero();
            return out.toString(StandardCharsets.UTF_8);
        }

        HttpResponse<String> getTrace(String connectionId, String authorization) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort() + "/trace/" + connectionId)).timeout(Duration.ofSeconds(10));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return HttpClient.newHttpClient().send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Nested
    class TwoCyclesAndAReplay extends TraceCase {

        @Test
        void traceShowsEveryStepInOrderWithTheIdsTheReceiversSaw() throws Exception {
            // cycle 1: new and ACTIVE, to every channel; the subscriber accepts
            serve("ACTIVE");
            subscriberAnswers(204);
            assertThat(runOnce()).isZero();
            // cycle 2: DEACTIVATED; the subscriber fails until the event is dead-lettered
            serve("DEACTIVATED", true);
            subscriberAnswers(500);
            assertThat(runOnce()).isEqualTo(1);
            DeadLetterEntry deadLetter = deadLetters().list().stream()
                    .filter(e -> "webhook".equals(e.channel())).findFirst().orElseThrow();
            // the subscriber is fixed, and the operator replays
            subscriberAnswers(204);
            assertThat(DeadLetterCommands.replay(context, deadLetters(), deadLetter.id())).isTrue();
            awaitTraceWritten();

            List<String> csvFiles;
            try (var files = Files.list(dataDir().resolve("out/csv"))) {
                csvFiles = files.map(f -> f.getFileName().toString()).sorted().toList();
            }
            assertThat(csvFiles).hasSize(2);
            List<String> webhookIds = webhookIdsReceived();
            assertThat(webhookIds).hasSize(2);
            List<String> messageIds = new ArrayList<>();
            for (MimeMessage message : smtp.getReceivedMessages()) {
                messageIds.add(message.getMessageID());
            }
            assertThat(messageIds).hasSize(2);

            String json = traceCommand("--trace", TRACED, "--json");
            List<JsonNode> newestFirst = new ArrayList<>();
            JSON.readTree(json).forEach(newestFirst::add);
            List<JsonNode> events = new ArrayList<>(newestFirst);
            java.util.Collections.reverse(events);
            Story story = new Story(events);

            String cycle1 = story.at(0, "route", "routed", d -> d.path("vendorStatus").asText().equals("ACTIVE")
                    && d.path("status").asText().equals("ACTIVE") && d.path("previousStatus").isMissingNode()
                    && d.path("channels").asText().equals("csv,email,webhook")).path("cycle").asText();
            story.next("webhook", "queued", d -> d.path("webhookId").asText().equals(webhookIds.get(0))
                    && d.path("type").asText().equals("connection.created") && d.path("subscriber").asText().equals("crm-a"));
            story.next("webhook", "delivered", d -> d.path("webhookId").asText().equals(webhookIds.get(0))
                    && d.path("httpStatus").asInt() == 204 && d.path("attempts").asInt() == 1);
            story.afterIndex(0, "csv", "published", d -> d.path("file").asText().equals(csvFiles.get(0)));
            story.afterIndex(0, "email", "sent", d -> d.path("recipient").asText().equals(MANAGER)
                    && d.path("messageId").asText().equals(messageIds.get(0)));

            String cycle2 = story.next("route", "routed", d -> d.path("vendorStatus").asText().equals("DEACTIVATED")
                    && d.path("status").asText().equals("INACTIVE") && d.path("previousStatus").asText().equals("ACTIVE")
                    && d.path("channels").asText().equals("csv,email,webhook")).path("cycle").asText();
            assertThat(cycle2).isNotEqualTo(cycle1);
            int cycle2Start = story.indexOf("route", "routed", 1);
            assertThat(story.indexOf("csv", "published", 0)).isLessThan(cycle2Start);
            assertThat(story.indexOf("email", "sent", 0)).isLessThan(cycle2Start);
            story.next("webhook", "queued", d -> d.path("webhookId").asText().equals(webhookIds.get(1))
                    && d.path("type").asText().equals("connection.status_changed"));
            story.next("webhook", "dead-lettered", d -> d.path("deadLetterId").asText().equals(deadLetter.id())
                    && d.path("webhookId").asText().equals(webhookIds.get(1)) && d.path("httpStatus").asInt() == 500
                    && d.path("attempts").asInt() == 3 && d.path("reason").asText().contains("HTTP 500"));
            story.next("webhook", "delivered", d -> d.path("webhookId").asText().equals(webhookIds.get(1))
                    && d.path("replayOf").asText().equals(deadLetter.id()) && d.path("httpStatus").asInt() == 204);
            story.afterIndex(cycle2Start, "csv", "published", d -> d.path("file").asText().equals(csvFiles.get(1)));
            story.afterIndex(cycle2Start, "email", "sent", d -> d.path("messageId").asText().equals(messageIds.get(1)));
            // a digest tells of several sources' connections: no poll cycle is its own
            assertThat(events).filteredOn(e -> e.path("step").asText().equals("email")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.path("cycle").isNull() || e.path("cycle").isMissingNode()).isTrue());
            assertThat(events).allSatisfy(e -> assertThat(e.path("connectionId").isNull()
                    || e.path("connectionId").asText().equals(TRACED)).isTrue());
            assertThat(json).doesNotContain(SECRET, "fixed-token-123", "Joe", "Account Manager");
            assertThat(events).anyMatch(e -> e.path("step").asText().equals("webhook")
                    && e.path("outcome").asText().equals("skipped")
                    && e.path("detail").path("subscriber").asText().equals("crm-pending")
                    && e.path("detail").path("reason").asText().equals("filtered out by its statuses"));

            // what was skipped, and a record that never got past normalization
            TraceStore store = context.getRegistry().lookupByNameAndType("traceStore", TraceStore.class);
            assertThat(store.history(UNCHANGED, 100)).anySatisfy(e -> {
                assertThat(e.cycle()).isEqualTo(cycle2);
                assertThat(e.outcome()).isEqualTo("skipped");
                assertThat(e.detail()).containsEntry("subscriber", "crm-a")
                        .containsEntry("reason", "unchanged since its last 2xx");
            });
            DeadLetterEntry unmappable = deadLetters().list().stream()
                    .filter(e -> "normalize".equals(e.stage())).findFirst().orElseThrow();
            assertThat(store.history(UNMAPPABLE, 100)).singleElement().satisfies(e -> {
                assertThat(e.cycle()).isEqualTo(cycle2);
                assertThat(e.step()).isEqualTo("normalize");
                assertThat(e.outcome()).isEqualTo("dead-lettered");
                assertThat(e.detail()).containsEntry("deadLetterId", unmappable.id());
                assertThat((String) e.detail().get("reason")).contains("unknown vendor status 'SUSPENDED'");
            });

            // the terminal view: the same events, newest first, one line each
            List<String> lines = traceCommand("--trace", TRACED).lines()
                    .filter(l -> !l.startsWith("*")).toList();
            assertThat(lines).hasSize(newestFirst.size());
            for (int i = 0; i < lines.size(); i++) {
                JsonNode event = newestFirst.get(i);
                String line = lines.get(i);
                assertThat(line).contains(event.path("source").asText(), event.path("step").asText(),
                        event.path("outcome").asText());
                event.path("detail").properties().forEach(d -> assertThat(line)
                        .contains(d.getKey() + "=" + d.getValue().asText()));
            }
            assertThat(lines.get(lines.size() - 1)).contains(cycle1);

            // over HTTP on the management port: the same JSON
            HttpResponse<String> http = getTrace(TRACED, null);
            assertThat(http.statusCode()).isEqualTo(200);
            assertThat(http.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("application/json"));
            assertThat(JSON.readTree(http.body())).isEqualTo(JSON.readTree(json));

            MetricsScrape metrics = new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
            assertThat(metrics.value("relay_trace_events_total").orElseThrow()).isGreaterThanOrEqualTo(events.size());
            assertThat(metrics.value("relay_trace_dropped_total")).hasValue(0);
        }
    }

    @Nested
    class WithAnHttpToken extends TraceCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.trace.http-token", "trace-reader-token-1");
        }

        @Test
        void getTraceAnswersOnlyTheBearerOfTheToken() throws Exception {
            serve("ACTIVE");
            subscriberAnswers(204);
            assertThat(runOnce()).isZero();

            assertThat(getTrace(TRACED, null).statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = getTrace(TRACED, "Bearer trace-reader-token-2");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("trace-reader-token");
            HttpResponse<String> right = getTrace(TRACED, "Bearer trace-reader-token-1");
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(right.body())).isNotEmpty();
            assertThat(right.headers().map().toString()).doesNotContain("trace-reader-token");
        }
    }

    @Nested
    class Disabled extends TraceCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.trace.enabled", "false");
        }

        @Test
        void nothingIsRecordedAndTheTraceStillAnswers() throws Exception {
            serve("ACTIVE");
            subscriberAnswers(204);
            assertThat(runOnce()).isZero();
            assertThat(webhookIdsReceived()).hasSize(1);

            assertThat(context.getRegistry().lookupByName("traceWriter")).isNull();
            assertThat(traceCommand("--trace", TRACED, "--json").trim()).isEqualTo("[ ]");
            assertThat(getTrace(TRACED, null).statusCode()).isEqualTo(200);
        }
    }

    /** A trace read oldest first: each step found after the one before it. */
    static final class Story {

        private final List<JsonNode> events;
        private int position = -1;

        Story(List<JsonNode> events) {
            this.events = events;
        }

        JsonNode at(int index, String step, String outcome, Predicate<JsonNode> detail) {
            position = index - 1;
            return next(step, outcome, detail);
        }

        /** The first matching event after the last one found. */
        JsonNode next(String step, String outcome, Predicate<JsonNode> detail) {
            for (int i = position + 1; i < events.size(); i++) {
                if (matches(events.get(i), step, outcome, detail)) {
                    position = i;
                    return events.get(i);
                }
            }
            throw new AssertionError("no " + step + " " + outcome + " event after position " + position + " in "
                    + events);
        }

        void afterIndex(int index, String step, String outcome, Predicate<JsonNode> detail) {
            for (int i = index + 1; i < events.size(); i++) {
                if (matches(events.get(i), step, outcome, detail)) {
                    return;
                }
            }
            throw new AssertionError("no matching " + step + " " + outcome + " event after position " + index
                    + " in " + events);
        }

        /** The nth (from 0) event with this step and outcome. */
        int indexOf(String step, String outcome, int nth) {
            int seen = 0;
            for (int i = 0; i < events.size(); i++) {
                if (matches(events.get(i), step, outcome, d -> true) && seen++ == nth) {
                    return i;
                }
            }
            throw new AssertionError("fewer than " + (nth + 1) + " " + step + " " + outcome + " events");
        }

        private static boolean matches(JsonNode event, String step, String outcome, Predicate<JsonNode> detail) {
            return event.path("step").asText().equals(step) && event.path("outcome").asText().equals(outcome)
                    && detail.test(event.path("detail"));
        }
    }
}
