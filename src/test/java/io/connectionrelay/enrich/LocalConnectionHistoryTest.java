package io.connectionrelay.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.connectionrelay.core.StateDatabase;
import io.connectionrelay.enrich.ConnectionHistory.StatusHistory;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history beside an embedded state database: on disk across restarts, moved from the table, one process. */
class LocalConnectionHistoryTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Instant EARLIER = Instant.parse("2026-03-04T05:06:07.123456Z");

    @TempDir
    Path data;

    final JdbcConnectionPool database = JdbcConnectionPool.create(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "relay", "");

    {
        StateDatabase.migrate(database);
    }

    @AfterEach
    void closeDatabase() {
        database.dispose();
    }

    LocalConnectionHistory open() {
        LocalConnectionHistory history = new LocalConnectionHistory(data.resolve("relay.history"), database);
        history.start();
        return history;
    }

    @Test
    void whatOneRunNotedTheNextRunReadsWithEveryStatusAndInstantIntact() throws Exception {
        ConnectionRecord hostile = connection("id with / slash, \"quotes\", | bar and ünïcödé", CanonicalStatus.ACTIVE);
        LocalConnectionHistory first = open();
        first.observe("c1", List.of(hostile, connection("b", CanonicalStatus.PENDING)), EARLIER);
        first.flush("c1");
        first.stop();

        LocalConnectionHistory second = open();
        try {
            List<StatusHistory> seen = second.observe("c2", List.of(
                    connection(hostile.connectionId(), CanonicalStatus.INACTIVE), connection("b", CanonicalStatus.PENDING)),
                    NOW);
            assertThat(seen.get(0)).isEqualTo(new StatusHistory(CanonicalStatus.ACTIVE, NOW));
            assertThat(seen.get(1)).as("unchanged: since first seen")
                    .isEqualTo(new StatusHistory(null, EARLIER));
            assertThat(second.current("crux-a", List.of(hostile.connectionId(), "b", "never-seen")))
                    .containsOnly(java.util.Map.entry(hostile.connectionId(), CanonicalStatus.INACTIVE),
                            java.util.Map.entry("b", CanonicalStatus.PENDING));
            assertThat(second.current("other-source", List.of("b"))).isEmpty();
        } finally {
            second.stop();
        }
    }

    @Test
    void rowsAnEarlierVersionKeptInTheTableMoveHereOnceAndLeaveTheTable() throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO relay_connection_history"
                     + " (source, connection_id, status, previous_status, status_since) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, "crux-a");
            insert.setString(2, "a");
            insert.setString(3, "INACTIVE");
            insert.setString(4, "ACTIVE");
            insert.setObject(5, OffsetDateTime.ofInstant(EARLIER, ZoneOffset.UTC));
            insert.executeUpdate();
        }

        LocalConnectionHistory history = open();
        try {
            assertThat(history.observe("c1", List.of(connection("a", CanonicalStatus.INACTIVE)), NOW))
                    .containsExactly(new StatusHistory(CanonicalStatus.ACTIVE, EARLIER));
        } finally {
            history.stop();
        }
        assertThat(tableRows()).as("the table no longer holds them").isZero();
    }

    @Test
    void aSecondProcessOnTheSameFolderIsToldAnotherHasItOpen() {
        LocalConnectionHistory first = open();
        try {
            assertThatThrownBy(this::open).hasMessageContaining(data.resolve("relay.history").toString())
                    .hasMessageContaining("another process has it open");
        } finally {
            first.stop();
        }
    }

    @Test
    void aFolderThatCannotBeCreatedIsNamedAtStart() throws Exception {
        Files.writeString(data.resolve("file"), "not a folder");
        LocalConnectionHistory history = new LocalConnectionHistory(data.resolve("file/relay.history"), database);

        assertThatThrownBy(history::start).hasMessageContaining(data.resolve("file/relay.history").toString())
                .hasMessageContaining("cannot be opened");
    }

    private long tableRows() throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM relay_connection_history")) {
            count.next();
            return count.getLong(1);
        }
    }

    static ConnectionRecord connection(String id, CanonicalStatus status) {
        return new ConnectionRecord("crux-a", "crux", id, status, status.name().toLowerCase(), null, null, null, null,
                null, null, null, null, null, List.of(), null, null);
    }
}
