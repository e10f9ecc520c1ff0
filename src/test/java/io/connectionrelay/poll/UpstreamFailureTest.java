package io.connectionrelay.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a Crux source (WireMock) survives a misbehaving upstream: what is retried and how long it
 * waits, what is given up on at once, and what reaches the dead-letter store.
 */
class UpstreamFailureTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String LOGIN = "/timp/organizations/user-login/";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class FailureCase extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, crux.baseUrl());
            p.put("relay.upstream.retry.max-retries", "3");
            p.put("camel.component.http.so-timeout", "1000");
            p.put("camel.component.http.response-timeout", "1000");
        }

        /** Answers each GET with the next response in turn; the last one repeats. */
        static void answerInTurn(ResponseDefinitionBuilder... responses) {
            String state = Scenario.STARTED;
            for (int i = 0; i < responses.length; i++) {
                String next = i == responses.length - 1 ? state : "answer-" + (i + 1);
                crux.stubFor(get(CONNECTIONS).inScenario("answers").whenScenarioStateIs(state)
                        .willReturn(responses[i]).willSetStateTo(next));
                state = next;
            }
        }

        static ResponseDefinitionBuilder status(int code) {
            return aResponse().withStatus(code).withBody("{\"detail\":\"HTTP " + code + "\"}");
        }

        static ResponseDefinitionBuilder connections() {
            return okJson(Fixtures.text("crux-connections.json"));
        }

        List<ServeEvent> requests() {
            return crux.getAllServeEvents().stream()
                    .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                    .toList();
        }

        String publishedCsv() throws IOException {
            Path folder = dataDir().resolve("out/csv");
            try (Stream<Path> files = Files.list(folder)) {
                List<Path> all = files.toList();
                assertThat(all).hasSize(1);
                return Files.readString(all.get(0));
            }
        }

        DeadLetterEntry onlyDeadLetter() throws IOException {
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            return entries.get(0);
        }
    }

    @Nested
    class TransientFailuresAreRetried extends FailureCase {

        @Test
        void a429WaitsAtLeastItsFractionalRetryAfterThenSucceeds() throws Exception {
            answerInTurn(status(429).withHeader("Retry-After", "0.6"), connections());

            assertThat(runOnce()).isZero();

            List<ServeEvent> requests = requests();
            assertThat(requests).hasSize(2);
            long gap = requests.get(1).getRequest().getLoggedDate().getTime()
                    - requests.get(0).getRequest().getLoggedDate().getTime();
            assertThat(gap).as("ms between the 429 and the retry").isGreaterThanOrEqualTo(600);
            assertThat(publishedCsv()).contains("c3081fd8-202b-47f2-9347-63d3c27028f1");
        }

        @Test
        void a503ThreeTimesThenSuccessDeliversEverything() throws Exception {
            answerInTurn(status(503), status(503), status(503), connections());

            assertThat(runOnce()).isZero();

            crux.verify(4, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(publishedCsv().lines()).hasSize(4);
            assertThat(deadLetters().list()).isEmpty();
        }

        @Test
        void aConnectionResetIsRetried() throws Exception {
            answerInTurn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), connections());

            assertThat(runOnce()).isZero();

            crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(publishedCsv().lines()).hasSize(4);
        }

        @Test
        void aReadTimeoutIsRetried() throws Exception {
            answerInTurn(connections().withFixedDelay(2500), connections());

            assertThat(runOnce()).isZero();

            crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(publishedCsv().lines()).hasSize(4);
        }
    }

    @Nested
    class FailedLogin extends FailureCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.remove("relay.source.crux-a.token");
            p.put("relay.source.crux-a.username", "ops@example.com");
            p.put("relay.source.crux-a.password", "s3cret-pass");
            p.put("relay.upstream.retry.initial-delay", "400ms");
        }

        @Test
        void aLoginThatAnswers503IsRetriedAfterABackoffDelay() throws Exception {
            crux.stubFor(post(LOGIN).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(status(503)).willSetStateTo("up"));
            crux.stubFor(post(LOGIN).inScenario("login").whenScenarioStateIs("up")
                    .willReturn(okJson("{\"auth_token\":\"issued-1\"}")));
            crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token issued-1")).willReturn(connections()));

            assertThat(runOnce()).isZero();

            List<ServeEvent> logins = requests().stream().filter(e -> e.getRequest().getUrl().equals(LOGIN)).toList();
            assertThat(logins).hasSize(2);
            long gap = logins.get(1).getRequest().getLoggedDate().getTime()
                    - logins.get(0).getRequest().getLoggedDate().getTime();
            assertThat(gap).as("ms between the two logins: at least half the first 400 ms step").isGreaterThanOrEqualTo(200);
            assertThat(publishedCsv().lines()).hasSize(4);
        }
    }

    @Nested
    class ExhaustedRetries extends FailureCase {

        @Test
        void a503ForeverIsDeadLetteredOnceAndTheNextCycleStillRuns() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(status(503).withBody("{\"detail\":\"maintenance\"}")));

            assertThat(runOnce()).isEqualTo(1);

            crux.verify(4, getRequestedFor(urlEqualTo(CONNECTIONS)));
            DeadLetterEntry entry = onlyDeadLetter();
            assertThat(entry.stage()).isEqualTo("poll");
            assertThat(entry.source()).isEqualTo("crux-a");
            assertThat(entry.attempts()).isEqualTo(4);
            assertThat(entry.httpStatus()).isEqualTo(503);
            assertThat(entry.responseBody()).isEqualTo("{\"detail\":\"maintenance\"}");
            assertThat(Files.exists(dataDir().resolve("out/csv"))).isFalse();

            crux.resetAll();
            crux.stubFor(get(CONNECTIONS).willReturn(connections()));
            runOnce();

            crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(publishedCsv().lines()).hasSize(4);
            assertThat(deadLetters().list()).hasSize(1);
        }
    }

    @Nested
    class ScheduledPolling extends FailureCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.once", "false");
            p.put("relay.source.crux-a.period", "300ms");
            // the first cycle waits for the test to stub the upstream
            p.put("relay.source.crux-a.initial-delay", "500ms");
            p.put("relay.upstream.retry.max-retries", "1");
        }

        @Test
        void theTimerKeepsFiringAfterAFailedCycle() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(status(503)));

            // the same failure in every cycle: one entry, counted
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters().list().stream()
                    .anyMatch(e -> e.occurrences() >= 3));

            assertThat(deadLetters().list()).singleElement().satisfies(e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.attempts()).isEqualTo(2 * e.occurrences());
            });
            assertThat(crux.getAllServeEvents().size()).isGreaterThanOrEqualTo(6);
        }
    }

    @Nested
    class PermanentFailuresAreNotRetried extends FailureCase {

        @Test
        void a400IsDeadLetteredAfterOneRequest() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(status(400)));

            assertThat(runOnce()).isEqualTo(1);

            crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(onlyDeadLetter().httpStatus()).isEqualTo(400);
            assertThat(onlyDeadLetter().attempts()).isEqualTo(1);
        }

        @Test
        void a404IsDeadLetteredAfterOneRequest() throws Exception {
            crux.stubFor(get(CONNECTIONS).willReturn(status(404)));

            assertThat(runOnce()).isEqualTo(1);

            crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)));
            assertThat(onlyDeadLetter().httpStatus()).isEqualTo(404);
        }
    }

    @Nested
    class BadPayloads extends FailureCase {

        @Test
        void aTruncatedBodyIsDeadLetteredWholeAndNothingIsPublished() throws Exception {
            String full = Fixtures.text("crux-connections.json");
            String truncated = full.substring(0, full.length() - 300);
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(truncated)));

            assertThat(runOnce()).isEqualTo(1);

            crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)));
            DeadLetterEntry entry = onlyDeadLetter();
            assertThat(entry.stage()).isEqualTo("poll");
            assertThat(entry.error()).contains("MalformedPayloadException");
            assertThat(entry.httpStatus()).isEqualTo(200);
            assertThat(Files.readString(deadLetters().payloadOf(entry))).isEqualTo(truncated);
            assertThat(Files.exists(dataDir().resolve("out/csv"))).isFalse();
        }

        @Test
        void anUnmappableRecordIsDeadLetteredAloneAndItsSiblingsAreDelivered() throws Exception {
            deadLetteredAloneWhen(broken -> broken.remove("uuid"), "has no 'uuid'");
        }

        /** The state database keeps ids of up to 200 characters: a longer one must not fail its cycle's writes. */
        @Test
        void aRecordWhoseIdIsTooLongToKeepIsDeadLetteredAloneAndItsSiblingsAreDelivered() throws Exception {
            deadLetteredAloneWhen(broken -> broken.put("uuid", "9".repeat(201)),
                    "'uuid' is 201 characters long; a connection id may have at most 200");
        }

        private void deadLetteredAloneWhen(Consumer<ObjectNode> breakIt, String reason) throws Exception {
            ObjectMapper json = new ObjectMapper();
            ArrayNode connections = (ArrayNode) json.readTree(Fixtures.text("crux-connections.json"));
            ObjectNode broken = (ObjectNode) connections.get(1);
            breakIt.accept(broken);
            answerInTurn(status(503), okJson(json.writeValueAsString(connections)));

            assertThat(runOnce()).isEqualTo(1);

            String csv = publishedCsv();
            assertThat(csv.lines()).hasSize(3);
            assertThat(csv).contains("c3081fd8-202b-47f2-9347-63d3c27028f1", "0db8f846-cd78-4b13-b6b4-3e2880fc7eac");
            DeadLetterEntry entry = onlyDeadLetter();
            assertThat(entry.stage()).isEqualTo("normalize");
            assertThat(entry.source()).isEqualTo("crux-a");
            assertThat(entry.error()).contains(reason);
            assertThat(entry.attempts()).as("the record was tried once, whatever the poll took").isEqualTo(1);
            assertThat(entry.httpStatus()).isNull();
            assertThat(json.readTree(deadLetters().payloadOf(entry).toFile())).isEqualTo(broken);
        }
    }
}
