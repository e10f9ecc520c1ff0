package io.connectionrelay.trace;

import java.time.Instant;
import java.util.List;

/**
 * The route step of a chunk's records: one event per record per cycle, so most of what the trace
 * keeps. Written as one row of relay_trace (column entries) rather than a row and an index entry
 * per record, which cost the trace writer more CPU than the rest of a cycle's trace together;
 * read back as the per-record events they are ({@link #event}).
 */
public record RoutedChunk(Instant at, String source, String cycle, List<Routed> records) implements TraceItem {

    /** One record's route: its vendor status, canonical status (and the one before when it changed), its channels. */
    public record Routed(String connectionId, String vendorStatus, String status, String previousStatus,
            String channels) {

        /** The most of a vendor status kept: it is the vendor's text, mapped after trimming, so of any length. */
        static final int VENDOR_STATUS_LIMIT = 200;

        public Routed {
            if (vendorStatus != null && vendorStatus.length() > VENDOR_STATUS_LIMIT) {
                vendorStatus = vendorStatus.substring(0, VENDOR_STATUS_LIMIT) + "…";
            }
        }
    }

    @Override
    public int events() {
        return records.size();
    }

    static TraceEvent event(Instant at, String source, String cycle, Routed routed) {
        return new TraceEvent(at, routed.connectionId(), source, cycle, "route",
                routed.channels().isEmpty() ? "not-routed" : "routed", TraceEvent.details(
                        "vendorStatus", routed.vendorStatus(), "status", routed.status(),
                        "previousStatus", routed.previousStatus(), "channels", routed.channels()));
    }
}
