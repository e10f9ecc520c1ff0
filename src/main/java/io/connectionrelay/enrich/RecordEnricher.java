package io.connectionrelay.enrich;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.enrich.AccountManagerDirectory.Assignment;
import io.connectionrelay.enrich.ConnectionHistory.StatusHistory;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Derived;
import io.connectionrelay.record.SyncState;

/**
 * Adds what downstream channels need and no vendor states directly: an account manager for a
 * record that has none (from the {@link AccountManagerDirectory}), and derived facts: the previous
 * status and since when the current one holds (from the {@link ConnectionHistory}), ages in days,
 * and whether the last data sync failed.
 */
public class RecordEnricher {

    private final AccountManagerDirectory managers;
    private final ConnectionHistory history;
    private final Clock clock;

    public RecordEnricher(AccountManagerDirectory managers, ConnectionHistory history, Clock clock) {
        this.managers = managers;
        this.history = history;
        this.clock = clock;
    }

    /**
     * One chunk of a cycle: the connection history is read once for all of it, and its writes
     * handed over to be done by the cycle's end ({@link ConnectionHistory#flush}).
     */
    public List<ConnectionRecord> enrich(CycleContext cycle, List<ConnectionRecord> chunk) {
        Instant now = clock.instant();
        List<StatusHistory> statuses = history.observe(cycle.id(), chunk, now);
        List<ConnectionRecord> enriched = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            enriched.add(enrich(chunk.get(i), statuses.get(i), now));
        }
        return enriched;
    }

    private ConnectionRecord enrich(ConnectionRecord record, StatusHistory status, Instant now) {
        Optional<Assignment> manager = managers.assign(record);
        SyncState sync = record.lastSync();
        boolean syncFailed = sync != null && sync.failed();
        return record.withAccountManager(manager.map(Assignment::manager).orElse(null))
                .withDerived(new Derived(
                        status.previous(),
                        status.since(),
                        days(status.since(), now),
                        days(record.createdAt(), now),
                        syncFailed,
                        syncFailed ? sync.failureReason() : null,
                        manager.map(Assignment::assignedBy).orElse(null)));
    }

    /** Whole days elapsed; a date in the future (clock skew at the vendor) counts as today. */
    private static Long days(Instant from, Instant now) {
        return from == null ? null : Math.max(0, Duration.between(from, now).toDays());
    }
}
