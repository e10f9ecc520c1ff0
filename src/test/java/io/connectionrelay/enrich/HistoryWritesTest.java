package io.connectionrelay.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.connectionrelay.core.StateDatabase;
import io.connectionrelay.enrich.HistoryWrites.Change;
import io.connectionrelay.record.CanonicalStatus;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection history's writer over a real (H2) state database: what it does when another
 * process wrote the row since enrich read it, and that a write it cannot make fails its cycle.
 */
class HistoryWritesTest {

    static final Instant VENDOR_DATE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant EARLIER = Instant.parse("2026-11-30T08:00:00Z");
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    final JdbcConnectionPool database = JdbcConnectionPool.create(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "relay", "");
    final HistoryWrites writes = new HistoryWrites(database);

    {
        StateDatabase.migrate(database);
        writes.start();
    }

    @AfterEach
    void close() {
        writes.stop();
        database.dispose();
    }

    @Test
    void aFirstSightThatAnotherReplicaInsertedMeanwhileIsAChangeFromItsStatusOrNothing() throws Exception {
        insertRow("a", CanonicalStatus.INACTIVE, EARLIER);
        insertRow("b", CanonicalStatus.ACTIVE, EARLIER);

        writes.handOver("cycle-1", List.of(
                new Change("fleet", "a", CanonicalStatus.ACTIVE, null, VENDOR_DATE, NOW),
                new Change("fleet", "b", CanonicalStatus.ACTIVE, null, VENDOR_DATE, NOW),
                new Change("fleet", "c", CanonicalStatus.PENDING, null, VENDOR_DATE, NOW)));
        writes.flush("cycle-1");

        assertThat(row("a")).isEqualTo(new Row(CanonicalStatus.ACTIVE, CanonicalStatus.INACTIVE, NOW));
        assertThat(row("b")).as("the other replica saw the same status first").isEqualTo(
                new Row(CanonicalStatus.ACTIVE, null, EARLIER));
        assertThat(row("c")).as("the rest of the group is written too").isEqualTo(
                new Row(CanonicalStatus.PENDING, null, VENDOR_DATE));
    }

    @Test
    void aChangeThatAnotherReplicaAlreadyMadeIsLeftAsItWrote() throws Exception {
        insertRow("a", CanonicalStatus.INACTIVE, EARLIER);

        writes.handOver("cycle-1", List.of(
                new Change("fleet", "a", CanonicalStatus.INACTIVE, CanonicalStatus.ACTIVE, NOW, NOW)));
        writes.flush("cycle-1");

        assertThat(row("a")).isEqualTo(new Row(CanonicalStatus.INACTIVE, null, EARLIER));
    }

    @Test
    void aWriteTheDatabaseRefusesFailsItsCycleAtFlushAndOnlyThatCycle() throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE relay_connection_history ADD CONSTRAINT test_refuses_inactive"
                    + " CHECK (status <> 'INACTIVE')");
        }

        writes.handOver("cycle-1", List.of(new Change("fleet", "a", CanonicalStatus.INACTIVE, null, NOW, NOW)));
        assertThatThrownBy(() -> writes.flush("cycle-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cycle-1")
                .hasMessageContaining("could not be written")
                .hasMessageContaining("TEST_REFUSES_INACTIVE");

        writes.handOver("cycle-2", List.of(new Change("fleet", "b", CanonicalStatus.ACTIVE, null, NOW, NOW)));
        writes.flush("cycle-2");
        assertThat(row("b")).isEqualTo(new Row(CanonicalStatus.ACTIVE, null, NOW));
        assertThat(row("a")).isNull();
    }

    record Row(CanonicalStatus status, CanonicalStatus previous, Instant since) {
    }

    void insertRow(String id, CanonicalStatus status, Instant since) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO relay_connection_history VALUES ('fleet', ?, ?, NULL, ?)")) {
            insert.setString(1, id);
            insert.setString(2, status.name());
            insert.setObject(3, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    Row row(String id) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT status, previous_status, status_since FROM relay_connection_history"
                        + " WHERE source = 'fleet' AND connection_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                String previous = row.getString(2);
                return new Row(CanonicalStatus.valueOf(row.getString(1)),
                        previous == null ? null : CanonicalStatus.valueOf(previous),
                        row.getObject(3, OffsetDateTime.class).toInstant());
            }
        }
    }
}
