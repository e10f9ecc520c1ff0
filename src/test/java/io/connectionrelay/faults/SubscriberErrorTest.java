package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.Test;

/**
 * The webhook subscriber answers 500: for a moment (retried under the same webhook-id) or until
 * the retries run out (each event dead-lettered once, parked, and replayed when it is back). The
 * csv channel is not held up either way.
 */
class SubscriberErrorTest extends FaultCase {

    static ResponseDefinitionBuilder serverError() {
        return aResponse().withStatus(500).withBody("internal error");
    }

    @Test
    void aBurstOf500sIsRetriedUnderTheSameIdsAndEachEventAcceptedOnce() throws Exception {
        upstreamAnswers(connections());
        subscriberFirstAnswers(FIXTURE_CONNECTIONS, serverError(), serverError());

        assertThat(runOnce()).isZero();

        invariant().assertEverythingDelivered();
        List<WebhookLog.Received> received = webhooks().received();
        List<String> failed = received.stream().filter(r -> r.status() == 500).map(WebhookLog.Received::webhookId).toList();
        assertThat(failed).hasSize(2 * FIXTURE_CONNECTIONS.size());
        assertThat(received.stream().filter(WebhookLog.Received::accepted).map(WebhookLog.Received::webhookId))
                .hasSize(payload.size()).containsAll(failed);
        assertThat(deadLetters().list()).isEmpty();

        // delivered is recorded: the next cycle has nothing to send
        assertThat(runOnce()).isZero();
        assertThat(webhooks().received()).hasSize(received.size());
    }

    @Test
    void aSubscriberDownForGoodGetsEachEventDeadLetteredOnceAndTheReplayDeliversThem() throws Exception {
        upstreamAnswers(connections());
        subscriberAnswers(serverError());

        assertThat(runOnce()).isEqualTo(1);

        invariant().assertHolds();
        assertThat(csv().delivered()).containsAll(payload.keys(SOURCE));
        // three attempts per event (max-retries 2), then one dead letter per event
        assertThat(webhooks().received()).hasSize(3 * payload.size());
        List<DeadLetterEntry> entries = deadLetters().list();
        assertThat(entries).hasSize(payload.size()).allSatisfy(e -> {
            assertThat(e.channel()).isEqualTo("webhook");
            assertThat(e.httpStatus()).isEqualTo(500);
            assertThat(e.attempts()).isEqualTo(3);
        });

        // parked: the next cycle neither sends them again nor adds dead letters
        runOnce();
        assertThat(webhooks().received()).hasSize(3 * payload.size());
        assertThat(deadLetters().list()).hasSize(payload.size());

        subscriberRecovers();
        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        assertThat(webhooks().received()).hasSize(4 * payload.size());
        assertThat(deadLetters().list()).isEmpty();
        runOnce();
        assertThat(webhooks().received()).hasSize(4 * payload.size());
    }
}
