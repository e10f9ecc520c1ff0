package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.connectionrelay.deadletter.DeadLetterEntry;
import org.junit.jupiter.api.Test;

/** The upstream answers 503 for a while: a burst the retries ride out, and one that outlasts them. */
class UpstreamOutageTest extends FaultCase {

    static ResponseDefinitionBuilder unavailable() {
        return aResponse().withStatus(503).withBody("{\"detail\":\"maintenance\"}");
    }

    @Test
    void aBurstWithinTheRetryBudgetOnlyDelaysTheCycle() throws Exception {
        upstreamAnswers(unavailable(), unavailable(), unavailable(), connections());

        assertThat(runOnce()).isZero();

        crux.verify(4, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
        assertThat(webhooks().received()).hasSize(payload.size());
    }

    @Test
    void aBurstLongerThanTheBudgetDeadLettersThePollWholeAndTheReplayDeliversIt() throws Exception {
        upstreamAnswers(unavailable(), unavailable(), unavailable(), unavailable(), connections());

        assertThat(runOnce()).isEqualTo(1);

        invariant().assertHolds();
        List<DeadLetterEntry> entries = deadLetters().list();
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("poll");
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.attempts()).isEqualTo(4);
        });
        assertThat(csv().files()).isEmpty();
        assertThat(webhooks().received()).isEmpty();

        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();

        // the next cycle exports again and has no news for the subscriber (the exit code of a run in
        // the same process still counts the first cycle's dead letter)
        runOnce();
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
        assertThat(csv().files()).hasSize(2);
        assertThat(webhooks().received()).hasSize(payload.size());
    }
}
