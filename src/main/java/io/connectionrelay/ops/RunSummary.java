package io.connectionrelay.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What this process has done, read from the relay's Micrometer counters (the same numbers
 * /observe/metrics serves): the one-shot summary and the exit code come from here.
 */
public class RunSummary {

    private final MeterRegistry registry;

    public RunSummary(RelayMetrics metrics) {
        this.registry = metrics.registry();
    }

    public Map<String, Long> polledCounts() {
        return counts(RelayMetrics.POLLED, c -> c.getId().getTag("source"));
    }

    /** Keyed "STATUS -> channel", or "STATUS -> (no channel)" for a status routed nowhere. */
    public Map<String, Long> routedCounts() {
        return counts(RelayMetrics.ROUTED, c -> {
            String channel = c.getId().getTag("channel");
            return c.getId().getTag("status") + " -> "
                    + (RelayMetrics.NO_CHANNEL.equals(channel) ? "(no channel)" : channel);
        });
    }

    /** Keyed "channel -> target", delivered and failed. */
    public Map<String, Long> deliveredCounts() {
        return counts(RelayMetrics.DELIVERED, RunSummary::channelTarget);
    }

    public Map<String, Long> failedDeliveryCounts() {
        return counts(RelayMetrics.FAILED, RunSummary::channelTarget);
    }

    public Map<String, Long> deadLetterCounts() {
        return counts(RelayMetrics.DEAD_LETTERS, c -> c.getId().getTag("stage"));
    }

    /** Failures that could not be written to the dead-letter store, per stage. */
    public Map<String, Long> deadLettersNotStoredCounts() {
        return counts(RelayMetrics.DEAD_LETTERS_NOT_STORED, c -> c.getId().getTag("stage"));
    }

    public long deadLettersNotStored() {
        return deadLettersNotStoredCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    /** No cycle failed, nothing was dead-lettered, and no failure went unstored. */
    public boolean ok() {
        return deadLetterCount() == 0 && deadLettersNotStored() == 0 && failedCycleCount() == 0;
    }

    /** Poll cycles that ended as failed, per source. */
    public Map<String, Long> failedCycleCounts() {
        Map<String, Long> failed = new TreeMap<>();
        registry.find(CycleOutcomes.CYCLES).tag("outcome", "failure").counters()
                .forEach(c -> failed.merge(c.getId().getTag("source"), (long) c.count(), Long::sum));
        return failed;
    }

    public long failedCycleCount() {
        return failedCycleCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    public long deadLetterCount() {
        return deadLetterCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    private static String channelTarget(Counter counter) {
        return counter.getId().getTag("channel") + " -> " + counter.getId().getTag("target");
    }

    private Map<String, Long> counts(String name, Function<Counter, String> key) {
        Map<String, Long> counts = new TreeMap<>();
        registry.find(name).counters().forEach(c -> counts.merge(key.apply(c), (long) c.count(), Long::sum));
        return counts;
    }
}
