package io.connectionrelay.poll;

import java.time.Instant;

import io.connectionrelay.runtime.Exchanges;
import org.apache.camel.Exchange;

/** Marks the start of one poll cycle of one source; every record of the cycle carries these. */
public final class PollCycle {

    public static final String STARTED = "relayCycleStarted";

    private PollCycle() {
    }

    public static void begin(Exchange exchange, String sourceId, String vendor) {
        Instant now = Instant.now();
        exchange.setProperty(Exchanges.SOURCE, sourceId);
        exchange.setProperty(Exchanges.VENDOR, vendor);
        exchange.setProperty(Exchanges.CYCLE, sourceId + "-" + now.toEpochMilli() + "-" + exchange.getExchangeId());
        exchange.setProperty(STARTED, now);
    }
}
