package io.connectionrelay.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;

/**
 * One poll cycle of one source: what every chunk of that cycle carries as its single exchange
 * property, and what a channel keys its per-cycle work on (one CSV file per cycle). The element
 * count is the one mutable part: the splitter adds to it as it reads, the cycle's end reports it.
 */
public final class CycleContext {

    /** The exchange property that holds it. */
    public static final String PROPERTY = "relayCycleContext";

    /** Names under which a dead-letter entry stores the cycle, and a replay reads it back. */
    public static final String SOURCE = "relaySource";
    public static final String VENDOR = "relayVendor";
    public static final String CYCLE = "relayCycle";
    /** Set when a cycle polls one connection only (a replayed record polls its source for it). */
    public static final String ONLY_CONNECTION = "relayOnlyConnection";

    private final String source;
    private final String vendor;
    private final String id;
    private final Instant started;
    private final boolean replay;
    private final AtomicLong elements = new AtomicLong();

    public CycleContext(String source, String vendor, String id, Instant started) {
        this(source, vendor, id, started, false);
    }

    private CycleContext(String source, String vendor, String id, Instant started, boolean replay) {
        this.source = source;
        this.vendor = vendor;
        this.id = id;
        this.started = started;
        this.replay = replay;
    }

    /** Starts a cycle of this source on the exchange that polls it (the source templates' first step). */
    public static void begin(Exchange exchange, String source, String vendor) {
        // a replayed record polls its source for that connection alone: not a snapshot of the source
        boolean oneConnection = exchange.getProperty(ONLY_CONNECTION) != null;
        exchange.setProperty(PROPERTY, started(source, vendor, oneConnection));
    }

    /** A cycle holding only what a replay sends: channels must not present it as a full snapshot. */
    public static CycleContext beginReplay(String source, String vendor) {
        return started(source, vendor, true);
    }

    private static CycleContext started(String source, String vendor, boolean replay) {
        Instant now = Instant.now();
        return new CycleContext(source, vendor,
                source + "-" + now.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8), now, replay);
    }

    /** The cycle this exchange belongs to; fails when it belongs to none, which is a wiring error. */
    public static CycleContext of(Exchange exchange) {
        CycleContext cycle = exchange.getProperty(PROPERTY, CycleContext.class);
        if (cycle == null) {
            throw new IllegalStateException("a message reached " + exchange.getFromRouteId()
                    + " outside a poll cycle (no " + PROPERTY + ")");
        }
        return cycle;
    }

    /** Null outside a cycle: a replayed digest or webhook event belongs to none. */
    public static CycleContext find(Exchange exchange) {
        return exchange.getProperty(PROPERTY, CycleContext.class);
    }

    public String source() {
        return source;
    }

    public String vendor() {
        return vendor;
    }

    public String id() {
        return id;
    }

    public Instant started() {
        return started;
    }

    public boolean isReplay() {
        return replay;
    }

    public void counted(long more) {
        elements.addAndGet(more);
    }

    public long elements() {
        return elements.get();
    }

    /** What a dead-letter entry keeps of the cycle, so a replay knows the source and vendor. */
    public Map<String, String> asProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(SOURCE, source);
        properties.put(VENDOR, vendor);
        properties.put(CYCLE, id);
        return properties;
    }

    @Override
    public String toString() {
        return id;
    }
}
