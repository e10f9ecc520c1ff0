package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.Test;

/**
 * Two operators run --replay at the same time, as two processes on one dead-letter folder. Each
 * process has its own state database here, as two replicas on one PostgreSQL would: nothing
 * there stops them (only H2's file lock did). Each entry is claimed by one of them, so the
 * subscriber gets each event exactly once and the store ends empty.
 */
class ConcurrentReplayTest extends FaultCase {

    /** Enough entries that the two replays overlap for seconds. */
    final FaultPayload many = FaultPayload.crux(57);

    @Test
    void twoReplaysAtOnceSendEachEntryOnce() throws Exception {
        upstreamAnswers(okJson(many.json()));
        subscriberAnswers(aResponse().withStatus(410).withBody("gone"));
        runOnce();
        assertThat(deadLetters().list()).hasSize(many.size());
        subscriberRecovers();
        // a slowish subscriber: each replay takes well over the few seconds between two JVMs' starts
        subscriberAnswers(ok().withFixedDelay(150));
        crm.resetRequests();

        try (ChildRelay.Run first = replay("replay-a"); ChildRelay.Run second = replay("replay-b")) {
            assertThat(first.awaitExit(300)).as(first.output()).isZero();
            assertThat(second.awaitExit(300)).as(second.output()).isZero();
            assertThat(first.output() + second.output()).contains("another replay has it");
        }

        Map<String, Long> timesSent = webhooks().received().stream()
                .collect(Collectors.groupingBy(WebhookLog.Received::webhookId, Collectors.counting()));
        assertThat(timesSent).hasSize(many.size()).allSatisfy((id, times) -> assertThat(times).as(id).isOne());
        assertThat(webhooks().delivered()).containsExactlyInAnyOrderElementsOf(many.keys(SOURCE));
        assertThat(deadLetters().list()).isEmpty();
    }

    /** A --replay process on the shared dead-letter folder, with a state database of its own. */
    private ChildRelay.Run replay(String name) {
        Path own = dataDir().resolve(name);
        return ChildRelay.in(own)
                .set("relay.dead-letter.folder", dataDir().resolve("dead-letter").toString())
                .set("relay.sources", SOURCE)
                .set("relay.source." + SOURCE + ".vendor", "crux")
                .set("relay.source." + SOURCE + ".base-url", crux.baseUrl())
                .set("relay.source." + SOURCE + ".token", "fixed-token-123")
                .set("relay.routing.active", "csv,webhook")
                .set("relay.routing.pending", "csv,webhook")
                .set("relay.routing.inactive", "csv,webhook")
                .set("relay.webhook.subscribers", "crm-a")
                .set("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS)
                .set("relay.webhook.subscriber.crm-a.secret", SECRET)
                .start("--replay");
    }
}
