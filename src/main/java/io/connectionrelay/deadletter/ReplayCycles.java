package io.connectionrelay.deadletter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.connectionrelay.poll.PollCycle;
import io.connectionrelay.runtime.Exchanges;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Replayed records travel in a new poll cycle of their source, as if polled again: channels that
 * gather a cycle's records (a CSV file, a digest) would otherwise hold them for a cycle that has
 * long ended and never publish them. The cycle is marked as a replay ({@link PollCycle#REPLAY}):
 * it holds only the replayed records, so the CSV channel names its file as a replay and publishes
 * nothing when no replayed record reached it. Entries of a whole poll replay themselves into a new
 * (full) cycle.
 */
final class ReplayCycles {

    /** Stages whose payload is one record (or one vendor element) inside a cycle. */
    static final Set<String> RECORD_STAGES = Set.of("normalize", "enrich", "route", "deliver");

    private final Map<String, Cycle> bySource = new LinkedHashMap<>();

    private static final class Cycle {
        final Map<String, Object> properties = new LinkedHashMap<>();
        long wentThrough;
    }

    /** A record entry whose replay polls its source again (Terminal's details call) runs in that poll's own cycle. */
    static boolean inCycle(DeadLetterEntry entry) {
        return RECORD_STAGES.contains(entry.stage()) && entry.source() != null
                && (entry.replayUri() == null || !entry.replayUri().startsWith("direct:poll-"));
    }

    /** Puts a record-level entry's exchange into its source's replay cycle. */
    void join(DeadLetterEntry entry, Exchange exchange) {
        if (!inCycle(entry)) {
            return;
        }
        Cycle cycle = bySource.computeIfAbsent(entry.source(), source -> {
            Cycle started = new Cycle();
            PollCycle.beginReplay(exchange, source, entry.properties().get(Exchanges.VENDOR));
            for (String key : new String[] {Exchanges.SOURCE, Exchanges.VENDOR, Exchanges.CYCLE, PollCycle.STARTED,
                    PollCycle.REPLAY}) {
                started.properties.put(key, exchange.getProperty(key));
            }
            return started;
        });
        cycle.properties.forEach(exchange::setProperty);
    }

    /** The entry's replay went through: its cycle has something to publish. */
    void wentThrough(DeadLetterEntry entry) {
        if (inCycle(entry)) {
            bySource.get(entry.source()).wentThrough++;
        }
    }

    /**
     * Ends every replay cycle as a poll cycle ends, so channels publish what they gathered; a
     * cycle in which every replay failed again ends as a failed one, so nothing empty is published.
     */
    void end(ProducerTemplate producer) {
        bySource.values().forEach(cycle -> producer.send(
                cycle.wentThrough > 0 ? "direct:cycle-end" : "direct:cycle-failed", exchange -> {
                    cycle.properties.forEach(exchange::setProperty);
                    exchange.setProperty("relayElementCount", cycle.wentThrough);
                }));
        bySource.clear();
    }
}
