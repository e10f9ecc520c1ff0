package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;

/** The connection breaks: reset by the peer, closed without an answer, or garbage then closed. */
class ConnectionResetTest extends FaultCase {

    static ResponseDefinitionBuilder broken(Fault fault) {
        return aResponse().withFault(fault);
    }

    @Test
    void everyKindOfBrokenConnectionIsRetried() throws Exception {
        upstreamAnswers(broken(Fault.CONNECTION_RESET_BY_PEER), broken(Fault.EMPTY_RESPONSE),
                broken(Fault.RANDOM_DATA_THEN_CLOSE), connections());

        assertThat(runOnce()).isZero();

        crux.verify(4, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void resetsThatOutlastTheRetriesAreDeadLetteredAndTheNextCycleDeliversEverything() throws Exception {
        upstreamAnswers(broken(Fault.CONNECTION_RESET_BY_PEER));

        assertThat(runOnce()).isEqualTo(1);

        invariant().assertHolds();
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("poll");
            assertThat(e.httpStatus()).isNull();
            assertThat(e.attempts()).isEqualTo(4);
        });

        crux.resetAll();
        upstreamAnswers(connections());
        runOnce();

        invariant().assertEverythingDelivered();
    }
}
