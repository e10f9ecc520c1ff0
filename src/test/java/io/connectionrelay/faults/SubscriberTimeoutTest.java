package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.Test;

/**
 * The subscriber does not answer within relay.webhook.timeout. A subscriber that hangs without
 * processing is retried and accepts each event once; one that processes but answers too late gets
 * the event again under the same webhook-id, which is what receivers deduplicate on.
 */
class SubscriberTimeoutTest extends FaultCase {

    @Override
    protected void fault(Properties p) {
        p.put("relay.webhook.timeout", "1s");
        // every event at once, so that a subscriber hanging on all of them costs one timeout per attempt
        p.put("relay.webhook.concurrency", "10");
    }

    /** Hangs, then gives up itself (a gateway timeout): the event was not processed. */
    static ResponseDefinitionBuilder hangs() {
        return aResponse().withStatus(504).withFixedDelay(1500);
    }

    @Test
    void aSubscriberThatHangsIsRetriedAndAcceptsEachEventOnce() throws Exception {
        upstreamAnswers(connections());
        subscriberFirstAnswers(FIXTURE_CONNECTIONS, hangs(), hangs());

        assertThat(runOnce()).isZero();

        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aSubscriberThatStaysSlowGetsTheEventsDeadLetteredAndTheReplayDeliversThem() throws Exception {
        upstreamAnswers(connections());
        subscriberAnswers(hangs());

        assertThat(runOnce()).isEqualTo(1);

        invariant().assertHolds();
        assertThat(deadLetters().list()).hasSize(payload.size())
                .allSatisfy(e -> assertThat(e.error()).contains("could not be reached"));

        subscriberRecovers();
        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    /** The point of this test is receiver-side deduplication: the relay cannot know the late 200 came. */
    @Test
    void anAnswerThatComesTooLateMakesTheSameEventArriveTwiceUnderOneWebhookId() throws Exception {
        upstreamAnswers(connections());
        String slowOne = FIXTURE_CONNECTIONS.get(0);
        subscriberFirstAnswers(List.of(slowOne), aResponse().withStatus(200).withFixedDelay(1500));

        assertThat(runOnce()).isZero();

        invariant().assertNothingLost();
        List<WebhookLog.Received> received = webhooks().received();
        assertThat(received).hasSize(payload.size() + 1);
        List<WebhookLog.Received> twice = received.stream().filter(r -> r.key().equals(SOURCE + ":" + slowOne)).toList();
        assertThat(twice).hasSize(2).allSatisfy(r -> assertThat(r.accepted()).isTrue());
        assertThat(twice.get(1).webhookId()).isEqualTo(twice.get(0).webhookId());
        assertThat(webhooks().duplicates()).singleElement().asString().contains(twice.get(0).webhookId());
        assertThat(deadLetters().list()).isEmpty();

        // the second 200 is recorded: nothing more is sent
        assertThat(runOnce()).isZero();
        assertThat(webhooks().received()).hasSize(payload.size() + 1);
    }
}
