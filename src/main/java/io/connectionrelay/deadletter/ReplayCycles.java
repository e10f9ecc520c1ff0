package io.connectionrelay.deadletter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.connectionrelay.core.CycleContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Replayed records travel in a new poll cycle of their source, as if polled again: channels that
 * gather a cycle's records (a CSV file, a digest) would otherwise hold them for a cycle that has
 * long ended and never publish them. The cycle is marked as a replay ({@link CycleContext#isReplay}):
 * it holds only the replayed records, so the CSV channel names its file as a replay and publishes
 * nothing when no replayed record reached it. Entries of a whole poll replay themselves into a new
 * (full) cycle.
 */
public final class ReplayCycles {

    /** Stages whose payload is one record (or one vendor element) inside a cycle. */
    static final Set<String> RECORD_STAGES = Set.of("normalize", "enrich", "route", "deliver");

    private final Map<String, Cycle> bySource = new LinkedHashMap<>();

    private static final class Cycle {
        CycleContext context;
        long wentThrough;
    }

    /** A record entry whose replay polls its source again (Terminal's details call) runs in that poll's own cycle. */
    public static boolean inCycle(DeadLetterEntry entry) {
        return RECORD_STAGES.contains(entry.stage()) && entry.source() != null
                && (entry.replayUri() == null || !entry.replayUri().startsWith("direct:poll-"));
    }

    /** Puts a record-level entry's exchange into its source's replay cycle. */
    public void join(DeadLetterEntry entry, Exchange exchange) {
        if (!inCycle(entry)) {
            return;
        }
        Cycle cycle = bySource.computeIfAbsent(entry.source(), source -> {
            Cycle started = new Cycle();
            started.context = CycleContext.beginReplay(source, entry.properties().get(CycleContext.VENDOR));
            return started;
        });
        exchange.setProperty(CycleContext.PROPERTY, cycle.context);
    }

    /** The entry's replay went through: its cycle has something to publish. */
    public void wentThrough(DeadLetterEntry entry) {
        if (inCycle(entry)) {
            bySource.get(entry.source()).wentThrough++;
        }
    }

    /**
     * Ends every replay cycle as a poll cycle ends, so channels publish what they gathered; a
     * cycle in which every replay failed again ends as a failed one, so nothing empty is published.
     */
    public void end(ProducerTemplate producer) {
        bySource.values().forEach(cycle -> producer.send(
                cycle.wentThrough > 0 ? "direct:cycle-end" : "direct:cycle-failed", exchange -> {
                    cycle.context.counted(cycle.wentThrough);
                    exchange.setProperty(CycleContext.PROPERTY, cycle.context);
                }));
        bySource.clear();
    }
}
