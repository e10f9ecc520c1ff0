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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

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
                    .containsOnly(Map.entry(hostile.connectionId(), CanonicalStatus.INACTIVE),
                            Map.entry("b", CanonicalStatus.PENDING));
            assertThat(second.current("other-source", List.of("b"))).isEmpty();
        } finally {
            second.stop();
        }
    }

    @Test
    void rowsAnEarlierVersionKeptInTheTableMoveHereAndLeaveTheTable() throws Exception {
        insertTableRow("a", "INACTIVE", "ACTIVE");

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
                    .hasMessageContaining("another process has it open").hasMessageContaining("RELAY_STATE_JDBC_URL")
                    .as("the startup report prints the innermost message").hasNoCause();
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

    @Test
    void aMoveCutShortByAKillIsFinishedAtTheNextStartWithoutUndoingWhatTheFolderKnows() throws Exception {
        insertTableRow("moved", "INACTIVE", "ACTIVE");
        insertTableRow("known", "ACTIVE", null);
        LocalConnectionHistory earlier = open();
        earlier.observe("c0", List.of(connection("known", CanonicalStatus.PENDING)), NOW);
        earlier.flush("c0");
        earlier.stop();
        // as if killed after the folder took its rows and before the table let them go
        insertTableRow("moved", "INACTIVE", "ACTIVE");
        insertTableRow("known", "ACTIVE", null);

        LocalConnectionHistory history = open();
        try {
            assertThat(history.current("crux-a", List.of("moved", "known")))
                    .containsOnly(Map.entry("moved", CanonicalStatus.INACTIVE), Map.entry("known", CanonicalStatus.PENDING));
        } finally {
            history.stop();
        }
        assertThat(tableRows()).isZero();
    }

    @Test
    void idsThatDifferOnlyInALoneSurrogateKeepTheirOwnHistory() {
        LocalConnectionHistory history = open();
        try {
            history.observe("c1", List.of(connection("x\uD800", CanonicalStatus.ACTIVE)), EARLIER);
            assertThat(history.observe("c2", List.of(connection("x\uD801", CanonicalStatus.INACTIVE)), NOW))
                    .as("first sight").containsExactly(new StatusHistory(null, NOW));
        } finally {
            history.stop();
        }
    }

    @Test
    void aStopWaitsForTheChunkInHandAndLaterCallsSayTheHistoryIsClosed() throws Exception {
        LocalConnectionHistory history = open();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread enrich = new Thread(() -> {
            try {
                for (int c = 0; ; c++) {
                    List<ConnectionRecord> chunk = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        chunk.add(connection("id-" + c + "-" + i, CanonicalStatus.ACTIVE));
                    }
                    history.observe("c", chunk, NOW);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        enrich.start();
        Thread.sleep(100);
        history.stop();
        enrich.join(10_000);

        assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(data.resolve("relay.history").toString()).hasMessageContaining("closed");
        assertThatThrownBy(() -> history.current("crux-a", List.of("a"))).hasMessageContaining("closed");
    }

    private void insertTableRow(String id, String status, String previous) throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO relay_connection_history"
                     + " (source, connection_id, status, previous_status, status_since) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, "crux-a");
            insert.setString(2, id);
            insert.setString(3, status);
            insert.setString(4, previous);
            insert.setObject(5, OffsetDateTime.ofInstant(EARLIER, ZoneOffset.UTC));
            insert.executeUpdate();
        }
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
