package io.connectionrelay.deliver.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The webhook channel end to end: WireMock as the Crux API and as CRM subscribers, records routed
 * to the channel by the real pipeline, every assertion on what the subscribers actually received.
 */
class WebhookChannelTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String HOOKS = "/hooks";
    static final String SECRET_A = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SECRET_B = "whsec_Y3JtLWItdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";
    // in the fixtures: ACTIVE in crux-connections.json; DEACTIVATED, ACTIVE, CONFIRMATION WAITING in the hostile one
    static final String FIRST = "c3081fd8-202b-47f2-9347-63d3c27028f1";
    static final String SECOND = "6b062210-6f5f-45bb-bf9a-100574368013";
    static final String THIRD = "0db8f846-cd78-4b13-b6b4-3e2880fc7eac";
    static final String ALL_ACTIVE = "crux-connections.json";
    static final String MIXED = "crux-connections-hostile.json";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crmA = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crmB = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class WebhookCase extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, crux.baseUrl());
            routeEverythingTo(p, "webhook");
            p.put("relay.webhook.subscribers", "crm-a");
            // the query is part of the address a subscriber gave us; it must reach it and nowhere else
            p.put("relay.webhook.subscriber.crm-a.url", crmA.baseUrl() + HOOKS + "?token=crm-a-url-token");
            p.put("relay.webhook.subscriber.crm-a.secret", SECRET_A);
            p.put("relay.webhook.retry.initial-delay", "20ms");
            p.put("relay.webhook.retry.max-delay", "200ms");
            p.put("relay.webhook.timeout", "2s");
            subscribers(p);
        }

        /** Per test class: more subscribers or other settings. */
        protected void subscribers(Properties p) {
        }

        void serve(String fixture) {
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(fixture.startsWith("[") ? fixture : Fixtures.text(fixture))));
        }

        /** The connections of two fixtures, one poll after the other. */
        void serveInTurn(String... fixtures) {
            String state = Scenario.STARTED;
            for (int i = 0; i < fixtures.length; i++) {
                String next = i + 1 < fixtures.length ? "poll-" + (i + 2) : state;
                crux.stubFor(get(CONNECTIONS).inScenario("polls").whenScenarioStateIs(state)
                        .willReturn(okJson(Fixtures.text(fixtures[i]))).willSetStateTo(next));
                state = next;
            }
        }

        static void answer(WireMockExtension crm, MappingBuilder... inTurn) {
            if (inTurn.length == 1) {
                crm.stubFor(inTurn[0]);
                return;
            }
            String state = Scenario.STARTED;
            for (int i = 0; i < inTurn.length; i++) {
                String next = i + 1 < inTurn.length ? "attempt-" + (i + 2) : state;
                crm.stubFor(inTurn[i].inScenario("attempts").whenScenarioStateIs(state).willSetStateTo(next));
                state = next;
            }
        }

        static MappingBuilder hook(int status) {
            return post(urlPathEqualTo(HOOKS)).willReturn(aResponse().withStatus(status));
        }

        static List<LoggedRequest> received(WireMockExtension crm) {
            List<LoggedRequest> requests = new ArrayList<>(crm.findAll(postRequestedFor(urlPathEqualTo(HOOKS))));
            requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
            return requests;
        }

        static JsonNode event(LoggedRequest request) throws Exception {
            return JSON.readTree(request.getBody());
        }

        static String connectionOf(LoggedRequest request) throws Exception {
            return event(request).path("data").path("connectionId").asText();
        }

        /** The Standard Webhooks signature, computed here with javax.crypto rather than WebhookSigner. */
        static String expectedSignature(String secret, LoggedRequest request) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String signed = request.getHeader("webhook-id") + "." + request.getHeader("webhook-timestamp") + ".";
            mac.update(signed.getBytes(StandardCharsets.UTF_8));
            mac.update(request.getBody());
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        }

        /** One connection of a fixture, as a whole Crux payload. */
        static String only(String fixture, String uuid) throws Exception {
            ArrayNode payload = JSON.createArrayNode();
            for (JsonNode connection : JSON.readTree(Fixtures.text(fixture))) {
                if (connection.path("uuid").asText().equals(uuid)) {
                    payload.add(connection);
                }
            }
            return payload.toString();
        }
    }

    @Nested
    class Signing extends WebhookCase {

        @Test
        void everyEventIsSignedAsStandardWebhooksSpecifiesAndCarriesTheCanonicalRecord() throws Exception {
            serve(MIXED);
            answer(crmA, hook(200));

            assertThat(runOnce()).isZero();

            List<LoggedRequest> requests = received(crmA);
            assertThat(requests).hasSize(3);
            List<String> ids = new ArrayList<>();
            for (LoggedRequest request : requests) {
                JsonNode event = event(request);
                assertThat(request.getHeader("webhook-signature")).isEqualTo(expectedSignature(SECRET_A, request));
                assertThat(request.getHeader("webhook-timestamp")).isEqualTo(String.valueOf(NOW.getEpochSecond()));
                assertThat(request.getHeader("webhook-id")).startsWith("msg_").isEqualTo(event.path("id").asText());
                assertThat(request.getHeader("Content-Type")).startsWith("application/json");
                assertThat(request.queryParameter("token").firstValue()).isEqualTo("crm-a-url-token");
                // nothing of the upstream poll's exchange leaks to a subscriber
                assertThat(request.containsHeader("Matched-Stub-Id")).isFalse();
                assertThat(request.containsHeader("Authorization")).isFalse();
                assertThat(event.path("type").asText()).isEqualTo("connection.created");
                assertThat(event.path("timestamp").asText()).isEqualTo(NOW.toString());
                assertThat(event.has("previous_status")).isTrue();
                assertThat(event.path("previous_status").isNull()).isTrue();
                assertThat(event.path("data").path("source").asText()).isEqualTo("crux-a");
                ids.add(event.path("id").asText());
            }
            assertThat(ids).doesNotHaveDuplicates();
            JsonNode first = requests.stream().map(r -> {
                try {
                    return event(r);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).filter(e -> e.path("data").path("connectionId").asText().equals(FIRST)).findFirst().orElseThrow();
            assertThat(first.path("data").path("status").asText()).isEqualTo("INACTIVE");
            assertThat(first.path("data").path("vendorStatus").asText()).isEqualTo("DEACTIVATED");
        }
    }

    @Nested
    class ChangeDetection extends WebhookCase {

        @Test
        void theSamePollTwiceSendsOneEventPerConnection() throws Exception {
            serve(MIXED);
            answer(crmA, hook(200));

            assertThat(runOnce()).isZero();
            assertThat(runOnce()).isZero();

            List<LoggedRequest> requests = received(crmA);
            assertThat(requests).hasSize(3);
            List<String> connections = new ArrayList<>();
            for (LoggedRequest request : requests) {
                connections.add(connectionOf(request));
            }
            assertThat(connections).containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
            assertThat(summary().deliveredCounts()).containsEntry("webhook -> crm-a", 3L);
        }

        @Test
        void aStatusChangeSendsStatusChangedWithThePreviousStatus() throws Exception {
            serveInTurn(ALL_ACTIVE, MIXED);
            answer(crmA, hook(200));

            assertThat(runOnce()).isZero();
            List<String> createdIds = new ArrayList<>();
            for (LoggedRequest request : received(crmA)) {
                createdIds.add(request.getHeader("webhook-id"));
            }
            crmA.resetRequests();
            assertThat(runOnce()).isZero();

            List<LoggedRequest> changes = received(crmA);
            assertThat(changes).hasSize(2);
            for (LoggedRequest request : changes) {
                JsonNode event = event(request);
                assertThat(event.path("type").asText()).isEqualTo("connection.status_changed");
                assertThat(event.path("previous_status").asText()).isEqualTo("ACTIVE");
                assertThat(createdIds).doesNotContain(event.path("id").asText());
                assertThat(request.getHeader("webhook-signature")).isEqualTo(expectedSignature(SECRET_A, request));
            }
            assertThat(changes.stream().map(r -> {
                try {
                    return connectionOf(r) + "=" + event(r).path("data").path("status").asText();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })).containsExactlyInAnyOrder(FIRST + "=INACTIVE", THIRD + "=PENDING");
        }

        @Test
        void goingBackAndForthIsNewsEachTimeWithItsOwnId() throws Exception {
            serveInTurn(ALL_ACTIVE, MIXED, ALL_ACTIVE, MIXED);
            answer(crmA, hook(200));

            for (int run = 0; run < 4; run++) {
                assertThat(runOnce()).isZero();
            }

            List<String> firstsEvents = new ArrayList<>();
            List<String> firstsIds = new ArrayList<>();
            for (LoggedRequest request : received(crmA)) {
                if (connectionOf(request).equals(FIRST)) {
                    JsonNode event = event(request);
                    firstsEvents.add(event.path("type").asText() + " " + event.path("previous_status").asText()
                            + "->" + event.path("data").path("status").asText());
                    firstsIds.add(event.path("id").asText());
                }
            }
            assertThat(firstsEvents).containsExactly(
                    "connection.created null->ACTIVE",
                    "connection.status_changed ACTIVE->INACTIVE",
                    "connection.status_changed INACTIVE->ACTIVE",
                    "connection.status_changed ACTIVE->INACTIVE");
            // receivers deduplicate on webhook-id: the second ACTIVE->INACTIVE must not look like the first
            assertThat(firstsIds).doesNotHaveDuplicates();
        }

        @Test
        void theSameChangeTwiceInOneCycleIsSentOnce() throws Exception {
            JsonNode connection = JSON.readTree(only(MIXED, FIRST)).get(0);
            serve(JSON.createArrayNode().add(connection).add(connection).toString());
            // still in flight when the duplicate is detected
            answer(crmA, post(urlPathEqualTo(HOOKS)).willReturn(ok().withFixedDelay(300)));

            assertThat(runOnce()).isZero();

            assertThat(received(crmA)).hasSize(1);
        }

        @Test
        void aNewRelayOnTheSameStateDatabaseSendsNothingForUnchangedConnections() throws Exception {
            serve(MIXED);
            answer(crmA, hook(200));
            assertThat(runOnce()).isZero();
            assertThat(received(crmA)).hasSize(3);
            context.stop();

            assertThat(runOnceInANewRelay()).isZero();

            assertThat(received(crmA)).hasSize(3);
        }

        /** What a restart is: a new Camel Main, new beans, the same configuration and state database. */
        int runOnceInANewRelay() throws Exception {
            Main main = new Main();
            main.setPropertyPlaceholderLocations(getPropertyPlaceholderLocations());
            useOverridePropertiesWithPropertiesComponent().forEach((k, v) -> main.addOverrideProperty((String) k,
                    (String) v));
            main.bind("relayClock", Clock.fixed(NOW, ZoneOffset.UTC));
            RelayApplication.configure(main.configure());
            main.start();
            try {
                return OneShotRun.run(main.getCamelContext());
            } finally {
                main.stop();
            }
        }
    }

    @Nested
    class WatchedFieldsMakeOtherChangesNews extends WebhookCase {

        @Override
        protected void subscribers(Properties p) {
            p.put("relay.webhook.watch-fields", "counterparty.name");
        }

        @Test
        void aChangedWatchedFieldSendsUpdated() throws Exception {
            serveInTurn(ALL_ACTIVE, MIXED);
            answer(crmA, hook(200));

            assertThat(runOnce()).isZero();
            crmA.resetRequests();
            assertThat(runOnce()).isZero();

            List<String> changes = new ArrayList<>();
            for (LoggedRequest request : received(crmA)) {
                JsonNode event = event(request);
                changes.add(connectionOf(request) + " " + event.path("type").asText() + " "
                        + event.path("previous_status").asText());
            }
            // the hostile fixture renames the second connection's counterparty, status unchanged
            assertThat(changes).containsExactlyInAnyOrder(
                    FIRST + " connection.status_changed ACTIVE",
                    SECOND + " connection.updated ACTIVE",
                    THIRD + " connection.status_changed ACTIVE");
        }
    }

    @Nested
    class Filters extends WebhookCase {

        @Override
        protected void subscribers(Properties p) {
            p.put("relay.sources", "crux-a,crux-b");
            p.put("relay.source.crux-a.base-url", crux.baseUrl() + "/a");
            p.put("relay.source.crux-b.vendor", "crux");
            p.put("relay.source.crux-b.base-url", crux.baseUrl() + "/b");
            p.put("relay.source.crux-b.token", "fixed-token-456");
            p.put("relay.webhook.subscribers", "crm-a,crm-b");
            p.put("relay.webhook.subscriber.crm-a.statuses", "INACTIVE");
            p.put("relay.webhook.subscriber.crm-b.url", crmB.baseUrl() + HOOKS);
            p.put("relay.webhook.subscriber.crm-b.secret", SECRET_B);
            p.put("relay.webhook.subscriber.crm-b.sources", "crux-b");
        }

        @Test
        void eachSubscriberGetsOnlyTheStatusesAndSourcesItAskedFor() throws Exception {
            crux.stubFor(get("/a" + CONNECTIONS).willReturn(okJson(Fixtures.text(MIXED))));
            crux.stubFor(get("/b" + CONNECTIONS).willReturn(okJson(Fixtures.text(ALL_ACTIVE))));
            answer(crmA, hook(200));
            answer(crmB, hook(200));

            assertThat(runOnce()).isZero();

            List<LoggedRequest> toA = received(crmA);
            assertThat(toA).hasSize(1);
            assertThat(event(toA.get(0)).path("data").path("status").asText()).isEqualTo("INACTIVE");
            assertThat(event(toA.get(0)).path("data").path("source").asText()).isEqualTo("crux-a");
            List<LoggedRequest> toB = received(crmB);
            assertThat(toB).hasSize(3);
            for (LoggedRequest request : toB) {
                assertThat(event(request).path("data").path("source").asText()).isEqualTo("crux-b");
                assertThat(request.getHeader("webhook-signature")).isEqualTo(expectedSignature(SECRET_B, request));
            }
        }

        @Test
        void aConnectionThatLeavesTheStatusFilterAndComesBackIsNewsAgain() throws Exception {
            String state = Scenario.STARTED;
            for (String[] poll : new String[][] {{MIXED, "2"}, {ALL_ACTIVE, "3"}, {MIXED, Scenario.STARTED}}) {
                crux.stubFor(get("/a" + CONNECTIONS).inScenario("a").whenScenarioStateIs(state)
                        .willReturn(okJson(only(poll[0], FIRST))).willSetStateTo(poll[1]));
                state = poll[1];
            }
            crux.stubFor(get("/b" + CONNECTIONS).willReturn(okJson("[]")));
            answer(crmA, hook(200));

            for (int run = 0; run < 3; run++) {
                assertThat(runOnce()).isZero();
            }

            List<String> events = new ArrayList<>();
            for (LoggedRequest request : received(crmA)) {
                events.add(event(request).path("type").asText() + " " + event(request).path("previous_status").asText());
            }
            // INACTIVE, then ACTIVE (not sent: crm-a only wants INACTIVE), then INACTIVE again
            assertThat(events).containsExactly("connection.created null", "connection.status_changed ACTIVE");
        }
    }

    @Nested
    class Retries extends WebhookCase {

        @Override
        protected void subscribers(Properties p) {
            p.put("relay.webhook.subscriber.crm-a.max-retries", "2");
            p.put("relay.webhook.retry.max-delay", "2s");
        }

        @Test
        void transientFailuresAreRetriedWithTheSameWebhookIdUntilDelivered() throws Exception {
            serve(only(MIXED, FIRST));
            answer(crmA, hook(500), hook(500), hook(200));

            assertThat(runOnce()).isZero();

            List<LoggedRequest> attempts = received(crmA);
            assertThat(attempts).hasSize(3);
            for (LoggedRequest attempt : attempts) {
                assertThat(attempt.getHeader("webhook-id")).isEqualTo(attempts.get(0).getHeader("webhook-id"));
                assertThat(attempt.getBody()).isEqualTo(attempts.get(0).getBody());
                assertThat(attempt.getHeader("webhook-signature")).isEqualTo(expectedSignature(SECRET_A, attempt));
            }
            assertThat(deadLetters().list()).isEmpty();

            // delivered means recorded: the next poll has nothing to say
            assertThat(runOnce()).isZero();
            assertThat(received(crmA)).hasSize(3);
        }

        @Test
        void exhaustedRetriesDeadLetterTheSignedEventOnceNotEveryPoll() throws Exception {
            serve(only(MIXED, FIRST));
            answer(crmA, post(urlPathEqualTo(HOOKS)).willReturn(aResponse().withStatus(503).withBody("maintenance")));

            assertThat(runOnce()).isEqualTo(1);

            List<LoggedRequest> attempts = received(crmA);
            assertThat(attempts).hasSize(3);
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            DeadLetterEntry entry = entries.get(0);
            LoggedRequest last = attempts.get(2);
            assertThat(entry.stage()).isEqualTo("deliver");
            assertThat(entry.channel()).isEqualTo("webhook");
            assertThat(entry.source()).isEqualTo("crux-a");
            assertThat(entry.attempts()).isEqualTo(3);
            assertThat(entry.httpStatus()).isEqualTo(503);
            assertThat(entry.responseBody()).isEqualTo("maintenance");
            assertThat(entry.headers()).containsEntry("webhook-id", last.getHeader("webhook-id"))
                    .containsEntry("webhook-timestamp", last.getHeader("webhook-timestamp"))
                    .containsEntry("webhook-signature", last.getHeader("webhook-signature"));
            assertThat(Files.readAllBytes(deadLetters().payloadOf(entry))).isEqualTo(last.getBody());
            String stored = Files.readString(deadLetters().folder().resolve(entry.id() + ".json"));
            assertThat(stored).doesNotContain("crm-a-url-token").doesNotContain("MfKQ9r8G");

            // parked for replay: the next poll neither sends it again nor adds a second dead letter
            runOnce();
            assertThat(received(crmA)).hasSize(3);
            assertThat(deadLetters().list()).hasSize(1);
        }

        @ParameterizedTest
        @ValueSource(ints = {400, 410})
        void aPermanentRefusalIsDeadLetteredWithoutRetry(int status) throws Exception {
            serve(only(MIXED, FIRST));
            answer(crmA, hook(status));

            assertThat(runOnce()).isEqualTo(1);

            assertThat(received(crmA)).hasSize(1);
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).httpStatus()).isEqualTo(status);
            assertThat(entries.get(0).attempts()).isEqualTo(1);
            assertThat(summary().failedDeliveryCounts()).containsEntry("webhook -> crm-a", 1L);
        }

        @Test
        void retryAfterIsWaitedFor() throws Exception {
            serve(only(MIXED, FIRST));
            answer(crmA, post(urlPathEqualTo(HOOKS)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")),
                    hook(200));

            assertThat(runOnce()).isZero();

            List<LoggedRequest> attempts = received(crmA);
            assertThat(attempts).hasSize(2);
            long waited = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
            // the backoff alone would wait 20 to 40 ms here; the subscriber asked for a second
            assertThat(waited).isGreaterThanOrEqualTo(1000);
        }
    }

    @Nested
    class Replay extends WebhookCase {

        @Test
        void replayingADeadLetteredEventSendsTheSameBodyAndWebhookIdAndRecordsIt() throws Exception {
            serve(only(MIXED, FIRST));
            answer(crmA, hook(410));
            assertThat(runOnce()).isEqualTo(1);
            LoggedRequest refused = received(crmA).get(0);
            crmA.resetAll();
            answer(crmA, hook(200));

            assertThat(DeadLetterCommands.replay(context, deadLetters(), null)).isTrue();

            List<LoggedRequest> replayed = received(crmA);
            assertThat(replayed).hasSize(1);
            assertThat(replayed.get(0).getBody()).isEqualTo(refused.getBody());
            assertThat(replayed.get(0).getHeader("webhook-id")).isEqualTo(refused.getHeader("webhook-id"));
            assertThat(replayed.get(0).getHeader("webhook-signature"))
                    .isEqualTo(expectedSignature(SECRET_A, replayed.get(0)));
            assertThat(deadLetters().list()).isEmpty();

            // the replay's 2xx is in the ledger: the unchanged connection is not sent again
            runOnce();
            assertThat(received(crmA)).hasSize(1);
        }
    }

    @Nested
    class Isolation extends WebhookCase {

        @Override
        protected void subscribers(Properties p) {
            // the slow one first, one request at a time, each outlasting its timeout
            p.put("relay.webhook.subscribers", "crm-slow,crm-a");
            p.put("relay.webhook.subscriber.crm-slow.url", crmB.baseUrl() + HOOKS);
            p.put("relay.webhook.subscriber.crm-slow.secret", SECRET_B);
            p.put("relay.webhook.subscriber.crm-slow.timeout", "1s");
            p.put("relay.webhook.subscriber.crm-slow.max-retries", "0");
            p.put("relay.webhook.subscriber.crm-slow.concurrency", "1");
        }

        @Test
        void aSubscriberThatTimesOutDoesNotDelayAnother() throws Exception {
            serve(MIXED);
            answer(crmA, hook(200));
            answer(crmB, post(urlPathEqualTo(HOOKS)).willReturn(ok().withFixedDelay(2500)));

            assertThat(runOnce()).isEqualTo(1);

            List<LoggedRequest> slow = received(crmB);
            List<LoggedRequest> fast = received(crmA);
            assertThat(slow).hasSize(3);
            assertThat(fast).hasSize(3);
            long slowFirstTimedOutAt = slow.get(0).getLoggedDate().getTime() + 1000;
            assertThat(fast.get(2).getLoggedDate().getTime()).isLessThan(slowFirstTimedOutAt);
            assertThat(deadLetters().list()).hasSize(3).allSatisfy(entry -> {
                assertThat(entry.error()).contains("crm-slow").contains("could not be reached");
                assertThat(entry.attempts()).isEqualTo(1);
            });
        }
    }
}
