package io.connectionrelay.enrich;

import java.time.Instant;
import java.util.List;

import io.connectionrelay.core.ConnectionStatuses;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import org.apache.camel.Service;

/**
 * Each connection's canonical status and since when it has had it, so a record can say what its
 * status was before and how long it has been in this one. No vendor says either. Records come a
 * chunk at a time; a chunk's history is read in one go, and a cycle's end calls {@link #flush}
 * before anything reads it again (the email channel's end-of-cycle comparison, the next cycle).
 * <p>
 * Two stores, chosen by the state database: {@link LocalConnectionHistory} beside an embedded H2
 * file (one process), {@link SharedConnectionHistory} in the state database's table when it is a
 * server that several processes share.
 */
public interface ConnectionHistory extends ConnectionStatuses, Service {

    /** The status's story so far: what it was before (null if never seen otherwise) and since when it is what it is. */
    record StatusHistory(CanonicalStatus previous, Instant since) {
    }

    /**
     * Notes each record's current status and returns its history, in the chunk's order; what
     * changed is durable by the time {@link #flush} of this cycle returns.
     */
    List<StatusHistory> observe(String cycle, List<ConnectionRecord> chunk, Instant now);

    /** Waits until this cycle's changes are durable; fails if one of them could not be written. */
    void flush(String cycle) throws InterruptedException;
}
