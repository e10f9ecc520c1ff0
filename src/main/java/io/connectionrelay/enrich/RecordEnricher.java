package io.connectionrelay.enrich;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Derived;
import io.connectionrelay.record.Person;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.runtime.Settings;

/**
 * Adds what downstream channels need and no vendor states directly: an account manager for every
 * record, and derived ages and sync facts.
 */
public class RecordEnricher {

    private final Person defaultManager;
    private final Clock clock;

    public RecordEnricher(Settings settings, Clock clock) {
        this.clock = clock;
        this.defaultManager = Person.of(
                settings.get("relay.enrich.default-manager.name", "Partner Operations"),
                settings.get("relay.enrich.default-manager.email", "partner-ops@example.com"));
    }

    public String enrich(String json) {
        return RecordJson.write(enrich(RecordJson.read(json)));
    }

    public ConnectionRecord enrich(ConnectionRecord record) {
        Instant now = clock.instant();
        ConnectionRecord withManager = record;
        String assignedBy = "vendor";
        if (record.accountManager() == null || record.accountManager().email() == null) {
            withManager = record.withAccountManager(defaultManager);
            assignedBy = "default";
        }
        Instant statusSince = firstNonNull(record.deactivatedAt(), record.activeAt(), record.createdAt());
        return withManager.withDerived(new Derived(
                null,
                statusSince,
                days(statusSince, now),
                days(record.createdAt(), now),
                record.lastSync() != null && record.lastSync().failed(),
                record.lastSync() == null ? null : record.lastSync().failureReason(),
                assignedBy));
    }

    private static Long days(Instant from, Instant now) {
        return from == null ? null : Duration.between(from, now).toDays();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
