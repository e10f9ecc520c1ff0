package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.Test;

/**
 * The subscriber answers 410 Gone (its endpoint was removed). Retrying cannot help, so each event
 * is dead-lettered after one request and parked; once the subscriber is back, the replay sends the
 * same events (same webhook-id and body) and each is accepted once.
 */
class SubscriberGoneTest extends FaultCase {

    @Test
    void eachEventIsDeadLetteredAfterOneRequestAndTheReplayDeliversTheSameEvents() throws Exception {
        upstreamAnswers(connections());
        subscriberAnswers(aResponse().withStatus(410).withBody("gone"));

        assertThat(runOnce()).isEqualTo(1);

        invariant().assertHolds();
        assertThat(csv().delivered()).containsAll(payload.keys(SOURCE));
        List<WebhookLog.Received> refused = webhooks().received();
        assertThat(refused).hasSize(payload.size()).allSatisfy(r -> assertThat(r.status()).isEqualTo(410));
        assertThat(deadLetters().list()).hasSize(payload.size()).allSatisfy(e -> {
            assertThat(e.httpStatus()).isEqualTo(410);
            assertThat(e.attempts()).isEqualTo(1);
        });

        runOnce();
        assertThat(webhooks().received()).as("parked events are not sent by the next cycle").hasSize(payload.size());

        subscriberRecovers();
        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        Map<String, String> idByConnection = refused.stream()
                .collect(Collectors.toMap(WebhookLog.Received::key, WebhookLog.Received::webhookId));
        assertThat(webhooks().received()).filteredOn(WebhookLog.Received::accepted).hasSize(payload.size())
                .allSatisfy(r -> assertThat(r.webhookId()).isEqualTo(idByConnection.get(r.key())));
        assertThat(deadLetters().list()).isEmpty();
    }
}
