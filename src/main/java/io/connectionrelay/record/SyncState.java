package io.connectionrelay.record;

import java.time.Instant;

/** The last data sync a telematics vendor ran for a connection; Crux has none. */
public record SyncState(String status, String failureReason, Instant completedAt) {

    public boolean failed() {
        return "failed".equalsIgnoreCase(status);
    }
}
