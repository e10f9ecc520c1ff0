package io.connectionrelay.enrich;

import java.time.Instant;

import io.connectionrelay.enrich.ConnectionHistory.StatusHistory;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;

/** What the history holds of one connection: its status, the one before (null if none) and since when. */
record KnownStatus(CanonicalStatus status, CanonicalStatus previous, Instant since) {

    /**
     * First sight: the status dates from the vendor's own date for it (deactivated, active or
     * created) when there is one and it is not in the future, else from now.
     */
    static KnownStatus firstSight(ConnectionRecord record, Instant now) {
        Instant date = switch (record.status()) {
            case INACTIVE -> record.deactivatedAt();
            case ACTIVE -> record.activeAt() != null ? record.activeAt() : record.createdAt();
            case PENDING -> record.createdAt();
        };
        return new KnownStatus(record.status(), null, date == null || date.isAfter(now) ? now : date);
    }

    /** After seeing the connection in {@code current} now: itself when unchanged, else changed as of now. */
    KnownStatus seen(CanonicalStatus current, Instant now) {
        return current == status ? this : new KnownStatus(current, status, now);
    }

    StatusHistory history() {
        return new StatusHistory(previous, since);
    }
}
