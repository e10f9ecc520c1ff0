package io.connectionrelay.ops;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

import io.connectionrelay.cluster.ReplicaStatus;
import io.connectionrelay.record.CanonicalStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The relay's own counters, in the Micrometer registry that Camel scrapes at /observe/metrics
 * (Prometheus names in brackets). Channels call {@link #delivered} and {@link #failed} once per
 * message handed to a target; the one-shot summary ({@code RunSummary}) reads the same counters.
 */
public class RelayMetrics {

    public static final String POLLED = "relay.records.polled";
    public static final String ROUTED = "relay.records.routed";
    public static final String DELIVERED = "relay.deliveries";
    public static final String FAILED = "relay.delivery.failures";
    public static final String DEAD_LETTERS = "relay.dead.letters";
    public static final String DEAD_LETTERS_NOT_STORED = "relay.dead.letter.write.failures";
    public static final String DUPLICATES = "relay.duplicate.records";
    /** Channel label of a record whose status routes nowhere. */
    public static final String NO_CHANNEL = "none";

    private final MeterRegistry registry;

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** [relay_records_polled_total{source}] records one poll of a source returned. */
    public void polled(String source, long records) {
        registry.counter(POLLED, "source", label(source)).increment(records);
    }

    /** [relay_records_routed_total{status,channel}] records of one status sent to each of these channels. */
    public void routed(CanonicalStatus status, List<String> channels, long records) {
        if (channels.isEmpty()) {
            registry.counter(ROUTED, "status", status.name(), "channel", NO_CHANNEL).increment(records);
        }
        channels.forEach(channel -> registry.counter(ROUTED, "status", status.name(), "channel", channel)
                .increment(records));
    }

    /**
     * [relay_deliveries_total{channel,target}] one message handed to a target: a published CSV file,
     * a digest mailed to a recipient, a webhook accepted by a subscriber. The target is a stable,
     * low-cardinality name (subscriber id, folder), never a URL with credentials.
     */
    public void delivered(String channel, String target) {
        registry.counter(DELIVERED, "channel", label(channel), "target", label(target)).increment();
    }

    /** [relay_delivery_failures_total{channel,target}] a delivery that finally failed (retries exhausted). */
    public void failed(String channel, String target) {
        registry.counter(FAILED, "channel", label(channel), "target", label(target)).increment();
    }

    /** [relay_duplicate_records_total{source}] a record dropped: its connection already went through in this cycle. */
    public void duplicate(String source, long records) {
        registry.counter(DUPLICATES, "source", label(source)).increment(records);
    }

    /** [relay_dead_letters_total{stage}] one failure dead-lettered: a new entry, or a repeat counted in its entry. */
    public void deadLettered(String stage) {
        registry.counter(DEAD_LETTERS, "stage", label(stage)).increment();
    }

    /** [relay_dead_letter_write_failures_total{stage}] a failure whose dead letter could not be written: lost unless redone. */
    public void deadLetterNotStored(String stage) {
        registry.counter(DEAD_LETTERS_NOT_STORED, "stage", label(stage)).increment();
    }

    /**
     * [relay_dead_letter_entries{store}] entries waiting in the dead-letter store, read at each
     * scrape. Replicas sharing one store report the same count: the store label lets an alert or
     * a panel take each store once.
     */
    public void watchDeadLetterEntries(String store, Callable<Long> entries) {
        Gauge.builder("relay.dead.letter.entries", entries, RelayMetrics::callOrNaN)
                .tag("store", store)
                .description("Entries in the dead-letter store now; replay removes the ones that succeed")
                // nothing else holds the method reference: a weak one would read NaN after the next GC
                .strongReference(true)
                .register(registry);
    }

    /**
     * [relay_source_period_seconds{source}] how often a source is polled, so an alert can count
     * missed cycles in periods of each source rather than in one fixed time for all.
     */
    public void sourcePeriod(String source, Duration period) {
        Gauge.builder("relay.source.period", period, p -> p.toMillis() / 1000.0)
                .description("The source's poll period (relay.source.<name>.period)")
                .baseUnit("seconds").tag("source", label(source))
                .strongReference(true)
                .register(registry);
    }

    /**
     * [relay_ready] 1 while /observe/health/ready answers UP, 0 while DOWN: Prometheus scrapes
     * metrics, not health endpoints, and alerts need the readiness as a series.
     */
    public void watchReadiness(BooleanSupplier ready) {
        Gauge.builder("relay.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the relay's readiness check is UP, 0 while it is DOWN")
                .strongReference(true)
                .register(registry);
    }

    /**
     * This replica among the others: [relay_replica{replica,mode}] 1, naming it (Prometheus's own
     * instance label names the scrape address, not the replica); [relay_scheduler_running] 1 while
     * its scheduler runs and is checked in; [relay_source_held{source}] 1 while it holds the source
     * (cluster/ReplicaStatus says what that means under Quartz).
     */
    public void watchReplica(ReplicaStatus replica) {
        Gauge.builder("relay.replica", () -> 1)
                .description("This replica: its relay.cluster.instance-id and mode (cluster or single)")
                .tag("replica", label(replica.instanceId())).tag("mode", replica.mode())
                .strongReference(true)
                .register(registry);
        Gauge.builder("relay.scheduler.running", replica, r -> r.current().running() ? 1 : 0)
                .description("1 while this replica's scheduler runs and checks in with the others, so it polls")
                .strongReference(true)
                .register(registry);
        for (String source : replica.sources()) {
            Gauge.builder("relay.source.held", replica, r -> r.current().held().contains(source) ? 1 : 0)
                    .description("1 while this replica holds the source: it started the source's latest scheduled poll")
                    .tag("source", label(source))
                    .strongReference(true)
                    .register(registry);
        }
    }

    private static double callOrNaN(Callable<Long> value) {
        try {
            return value.call();
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }
}
