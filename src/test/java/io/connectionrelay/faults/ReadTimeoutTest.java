package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The upstream accepts the request and then takes longer than the read timeout to answer. */
class ReadTimeoutTest extends FaultCase {

    @Override
    protected void fault(Properties p) {
        p.put("camel.component.http.so-timeout", "500");
        p.put("camel.component.http.response-timeout", "500");
    }

    @Test
    void aSlowAnswerIsAbandonedAndRetried() throws Exception {
        upstreamAnswers(connections().withFixedDelay(1500), connections());

        assertThat(runOnce()).isZero();

        crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void anUpstreamThatStaysSlowIsDeadLetteredAndTheReplayDeliversOnceItIsBack() throws Exception {
        upstreamAnswers(connections().withFixedDelay(1500));

        assertThat(runOnce()).isEqualTo(1);

        crux.verify(4, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertHolds();
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("poll");
            assertThat(e.attempts()).isEqualTo(4);
            assertThat(e.error()).contains("could not be reached").containsIgnoringCase("timeout");
        });
        assertThat(csv().files()).isEmpty();
        assertThat(webhooks().received()).isEmpty();

        crux.resetAll();
        upstreamAnswers(connections());
        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }
}
