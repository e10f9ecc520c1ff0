package io.connectionrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.core.Settings;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Webhook fan-out: N connection changes (new connections, so N connection.created events) for one
 * subscriber whose receiver answers after a fixed latency, with the channel's default settings.
 * -Dbench.webhooks=3000 -Dbench.webhook-latency-ms=50 (the defaults).
 */
@Tag("bench")
class WebhookBenchmarkTest {

    @Test
    void webhookFanOut() throws Exception {
        int events = Integer.getInteger("bench.webhooks", 3000);
        long latency = Long.getLong("bench.webhook-latency-ms", 50);
        Path payload = BenchmarkTest.payload(events);
        Path work = BenchmarkTest.WORK.resolve("webhooks-" + Instant.now().toEpochMilli());
        Files.createDirectories(work);
        try (PayloadServer upstream = new PayloadServer(payload); WebhookReceiver receiver = new WebhookReceiver(latency)) {
            Main main = BenchBundle.start(upstream.baseUrl(), work, Map.of(
                    "relay.routing.active", "webhook", "relay.routing.pending", "webhook",
                    "relay.routing.inactive", "webhook",
                    "relay.webhook.subscribers", "crm",
                    "relay.webhook.subscriber.crm.url", receiver.url(),
                    "relay.webhook.subscriber.crm.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
            String concurrency;
            long started = System.nanoTime();
            try {
                concurrency = new Settings(main.getCamelContext()).getString("relay.webhook.concurrency");
                assertThat(OneShotRun.run(main.getCamelContext())).isZero();
            } finally {
                main.stop();
            }
            double cycleSeconds = (System.nanoTime() - started) / 1e9;
            assertThat(receiver.accepted()).isEqualTo(events);
            List<String> rows = new ArrayList<>();
            rows.add("| events | receiver latency ms | concurrency setting | max in flight at receiver "
                    + "| deliveries/s (first to last) | cycle s (poll to drained) | deliveries/s (cycle) |");
            rows.add("|---|---|---|---|---|---|---|");
            rows.add(String.format("| %,d | %d | %s | %d | %,.0f | %.1f | %,.0f |", events, latency, concurrency,
                    receiver.maxInFlight(), events / receiver.secondsFirstToLast(), cycleSeconds,
                    events / cycleSeconds));
            BenchReport.write("webhooks", "Webhook fan-out: one subscriber, default channel settings", rows);
        }
    }
}
