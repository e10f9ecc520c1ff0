package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;

/**
 * The body ends early. When the connection breaks mid-body the read fails and is retried; when the
 * upstream sends a complete 200 whose JSON is cut short, nothing of it is delivered (not even the
 * records before the cut) and the whole body is dead-lettered.
 */
class TruncatedBodyTest extends FaultCase {

    @Test
    void aBodyCutByTheConnectionIsRetried() throws Exception {
        upstreamAnswers(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK), connections());

        assertThat(runOnce()).isZero();

        crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aTruncatedJsonBodyDeliversNothingIsDeadLetteredWholeAndTheReplayDeliversEverything() throws Exception {
        upstreamAnswers(okJson(payload.truncated()), connections());

        assertThat(runOnce()).isEqualTo(1);

        crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertHolds();
        assertThat(csv().files()).isEmpty();
        assertThat(webhooks().received()).isEmpty();
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("poll");
            assertThat(e.error()).contains("MalformedPayloadException");
            assertThat(Files.readString(deadLetters().payloadOf(e))).isEqualTo(payload.truncated());
        });

        assertThat(replayDeadLetters()).isTrue();

        crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }
}
