package io.connectionrelay.poll;

import java.time.Instant;

import io.connectionrelay.runtime.Exchanges;
import org.apache.camel.Exchange;

/** Marks the start of one poll cycle of one source; every record of the cycle carries these. */
public final class PollCycle {

    public static final String STARTED = "relayCycleStarted";
    /** Set (true) on a cycle that carries replayed dead letters rather than a full poll. */
    public static final String REPLAY = "relayCycleReplay";

    private PollCycle() {
    }

    public static void begin(Exchange exchange, String sourceId, String vendor) {
        Instant now = Instant.now();
        exchange.setProperty(Exchanges.SOURCE, sourceId);
        exchange.setProperty(Exchanges.VENDOR, vendor);
        exchange.setProperty(Exchanges.CYCLE, sourceId + "-" + now.toEpochMilli() + "-" + exchange.getExchangeId());
        exchange.setProperty(STARTED, now);
    }

    /** A cycle holding only what a replay sends: channels must not present it as a full snapshot. */
    public static void beginReplay(Exchange exchange, String sourceId, String vendor) {
        begin(exchange, sourceId, vendor);
        exchange.setProperty(REPLAY, true);
    }

    public static boolean isReplay(Exchange exchange) {
        return exchange.getProperty(REPLAY, false, Boolean.class);
    }
}
