package io.connectionrelay.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.StateDatabase;
import io.connectionrelay.enrich.AccountManagerDirectory.Field;
import io.connectionrelay.enrich.AccountManagerDirectory.Rule;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Derived;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;
import io.connectionrelay.record.SyncState;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Derived fields over the connection history in a real (H2) state database's table, with the
 * clock moved by hand; {@link RecordEnricherOnLocalHistoryTest} runs the same over the local store.
 */
class RecordEnricherTest {

    static final Instant DAY_0 = Instant.parse("2026-11-23T12:00:00Z");
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    final JdbcConnectionPool database = JdbcConnectionPool.create(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "relay", "");
    final AccountManagerDirectory managers = new AccountManagerDirectory(List.of(
            new Rule(Field.DEFAULT, "", Person.of("Partner Operations", "ops@example.com"), "default")));

    {
        StateDatabase.migrate(database);
    }

    @AfterEach
    void closeDatabase() {
        database.dispose();
    }

    ConnectionHistory history() {
        return new SharedConnectionHistory(database);
    }

    /** One cycle of one record: its history written by the cycle's end, as the pipeline's cycle-end does. */
    Derived enrichAt(Instant now, ConnectionRecord record) throws InterruptedException {
        ConnectionHistory history = history();
        history.start();
        try {
            CycleContext cycle = new CycleContext(record.source(), record.vendor(), "cycle-" + now, now);
            Derived derived = new RecordEnricher(managers, history, Clock.fixed(now, ZoneOffset.UTC))
                    .enrich(cycle, List.of(record)).get(0).derived();
            history.flush(cycle.id());
            return derived;
        } finally {
            history.stop();
        }
    }

    static ConnectionRecord connection(String id, CanonicalStatus status, Instant activeAt, Instant deactivatedAt,
            SyncState sync) {
        return new ConnectionRecord("fleet", "terminal", id, status, status.name().toLowerCase(), null,
                new Party(null, "Acme", null, null), null, null, CREATED, activeAt, null, deactivatedAt, "geotab",
                List.of(), sync, null);
    }

    @Test
    void firstSightDatesTheStatusFromTheVendorsOwnDate() throws Exception {
        Instant deactivated = DAY_0.minus(Duration.ofDays(5));

        Derived inactive = enrichAt(DAY_0, connection("a", CanonicalStatus.INACTIVE, null, deactivated, null));
        Derived active = enrichAt(DAY_0, connection("b", CanonicalStatus.ACTIVE, null, null, null));
        Derived noDate = enrichAt(DAY_0, connection("c", CanonicalStatus.INACTIVE, null, null, null));

        assertThat(inactive.previousStatus()).isNull();
        assertThat(inactive.statusSince()).isEqualTo(deactivated);
        assertThat(inactive.daysInStatus()).isEqualTo(5);
        assertThat(active.statusSince()).as("active since created when no active date").isEqualTo(CREATED);
        assertThat(active.daysSinceCreated()).isEqualTo(326);
        assertThat(noDate.statusSince()).as("no vendor date: since first seen").isEqualTo(DAY_0);
        assertThat(noDate.daysInStatus()).isZero();
    }

    @Test
    void aChangedStatusDatesFromNowAndRemembersTheOldOne() throws Exception {
        enrichAt(DAY_0, connection("a", CanonicalStatus.ACTIVE, null, null, null));
        Instant day3 = DAY_0.plus(Duration.ofDays(3));
        Instant day10 = DAY_0.plus(Duration.ofDays(10));

        Derived changed = enrichAt(day3, connection("a", CanonicalStatus.INACTIVE, null, null, null));
        Derived later = enrichAt(day10, connection("a", CanonicalStatus.INACTIVE, null, null, null));

        assertThat(changed.previousStatus()).isEqualTo(CanonicalStatus.ACTIVE);
        assertThat(changed.statusSince()).isEqualTo(day3);
        assertThat(changed.daysInStatus()).isZero();
        assertThat(later.previousStatus()).isEqualTo(CanonicalStatus.ACTIVE);
        assertThat(later.statusSince()).isEqualTo(day3);
        assertThat(later.daysInStatus()).isEqualTo(7);
    }

    @Test
    void theSameConnectionIdFromAnotherSourceHasItsOwnHistory() throws Exception {
        enrichAt(DAY_0, connection("a", CanonicalStatus.ACTIVE, null, null, null));
        ConnectionRecord other = connection("a", CanonicalStatus.INACTIVE, null, null, null);
        other = new ConnectionRecord("fleet-2", other.vendor(), other.connectionId(), other.status(),
                other.vendorStatus(), null, other.counterparty(), null, null, CREATED, null, null, null, null,
                List.of(), null, null);

        assertThat(enrichAt(DAY_0, other).previousStatus()).isNull();
    }

    @Test
    void syncFailureAndManagerAreDerived() throws Exception {
        SyncState failed = new SyncState("failed", "Provider credentials expired", DAY_0);
        SyncState completed = new SyncState("completed", "Reason for failure if sync status is 'failed'", DAY_0);

        Derived broken = enrichAt(DAY_0, connection("a", CanonicalStatus.ACTIVE, null, null, failed));
        Derived fine = enrichAt(DAY_0, connection("b", CanonicalStatus.ACTIVE, null, null, completed));

        assertThat(broken.syncFailed()).isTrue();
        assertThat(broken.syncFailureReason()).isEqualTo("Provider credentials expired");
        assertThat(broken.managerAssignedBy()).isEqualTo("default");
        assertThat(fine.syncFailed()).isFalse();
        assertThat(fine.syncFailureReason()).as("a completed sync has no failure, whatever the field says").isNull();
    }
}
