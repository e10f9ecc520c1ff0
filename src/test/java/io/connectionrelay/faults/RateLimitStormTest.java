package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.poll.TerminalApi;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.Test;

/**
 * 429 storms with Retry-After, from the upstream and from the subscriber: the relay waits at least
 * as long as it is asked (capped by its max delay), retries, and dead-letters a storm that
 * outlasts its budget.
 */
class RateLimitStormTest extends FaultCase {

    static ResponseDefinitionBuilder tooManyRequests(String retryAfter) {
        return aResponse().withStatus(429).withHeader("Retry-After", retryAfter)
                .withBody("{\"detail\":\"rate limited\"}");
    }

    @Test
    void anUpstreamStormIsWaitedOutAsAskedAndLosesNothing() throws Exception {
        upstreamAnswers(tooManyRequests("0.15"), tooManyRequests("0.15"), tooManyRequests("0.15"), connections());

        assertThat(runOnce()).isZero();

        List<Long> polls = upstreamRequestTimes(e -> true);
        assertThat(polls).hasSize(4);
        assertSpacedAtLeast(polls, 150);
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void anUpstreamStormLongerThanTheBudgetIsDeadLetteredAndTheNextCycleDeliversEverything() throws Exception {
        // an hour's Retry-After is capped at relay.upstream.retry.max-delay (200 ms here)
        upstreamAnswers(tooManyRequests("3600"));

        assertThat(runOnce()).isEqualTo(1);

        crux.verify(4, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertHolds();
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("poll");
            assertThat(e.httpStatus()).isEqualTo(429);
        });

        crux.resetAll();
        upstreamAnswers(connections());
        runOnce();

        invariant().assertEverythingDelivered();
    }

    @Test
    void aSubscriberStormIsWaitedOutAndEachEventIsAcceptedOnce() throws Exception {
        upstreamAnswers(connections());
        subscriberFirstAnswers(FIXTURE_CONNECTIONS, tooManyRequests("0.1"), tooManyRequests("0.1"));

        assertThat(runOnce()).isZero();

        invariant().assertEverythingDelivered();
        List<WebhookLog.Received> received = webhooks().received();
        assertThat(received).hasSize(payload.size() + 2 * FIXTURE_CONNECTIONS.size());
        for (String id : FIXTURE_CONNECTIONS) {
            List<WebhookLog.Received> attempts = received.stream().filter(r -> r.key().equals(SOURCE + ":" + id)).toList();
            assertThat(attempts).extracting(WebhookLog.Received::status).containsExactly(429, 429, 200);
            assertThat(attempts).extracting(WebhookLog.Received::webhookId).containsOnly(attempts.get(0).webhookId());
            assertSpacedAtLeast(attempts.stream().map(WebhookLog.Received::at).toList(), 100);
        }
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aStormOnOneTerminalConnectionsDetailsDeadLettersThatRecordAloneAndTheReplayDeliversIt() throws Exception {
        // this test runs a relay of its own, with a Terminal source
        context.stop();
        Properties settings = terminalSource(useOverridePropertiesWithPropertiesComponent());
        // page 2's only connection: its details call is rate limited for a while
        String stormed = "conn_01HT0000000000000000000003";
        StubMapping storm = crux.stubFor(TerminalApi.current(TERMINAL_KEY,
                TerminalApi.items().get(stormed).path("token").asText()).atPriority(1).willReturn(tooManyRequests("0.1")));

        RelayProcess relay = RelayProcess.start(settings);
        try {
            assertThat(relay.runOnce()).isEqualTo(1);

            invariantFor(terminalKeys()).assertHolds();
            assertThat(csv().delivered()).hasSize(terminalKeys().size() - 1).doesNotContain(TERMINAL + ":" + stormed);
            List<Long> attempts = upstreamRequestTimes(e -> e.getResponse().getStatus() == 429);
            assertThat(attempts).hasSize(4);
            assertSpacedAtLeast(attempts, 100);
            DeadLetterStore store = relay.context().getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
            assertThat(store.list()).singleElement().satisfies(e -> {
                assertThat(e.source()).isEqualTo(TERMINAL);
                assertThat(e.httpStatus()).isEqualTo(429);
                assertThat(e.attempts()).isEqualTo(4);
            });

            crux.removeStub(storm);
            assertThat(DeadLetterCommands.replay(relay.context(), store, null)).isTrue();

            invariantFor(terminalKeys()).assertEverythingDelivered();
            assertThat(store.list()).isEmpty();
        } finally {
            relay.stop();
        }
    }

    static List<Long> upstreamRequestTimes(Predicate<ServeEvent> which) {
        return crux.getAllServeEvents().stream().filter(which)
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    }

    /** Each retry came at least this long after the answer before it: the relay waited as asked. */
    static void assertSpacedAtLeast(List<Long> times, long millis) {
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("ms between request %d and the next", i)
                    .isGreaterThanOrEqualTo(millis);
        }
    }
}
