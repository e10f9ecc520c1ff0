package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.connectionrelay.core.ConnectionStatuses;
import io.connectionrelay.core.StateDatabase;
import io.connectionrelay.record.CanonicalStatus;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that left email, over more than one page of entries: the never-listed ones are
 * forgotten, the listed ones resolved with the status they left for, the rest untouched, and an
 * entry a cycle changed after the page was read is left to that cycle.
 */
class DigestLeaversTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final int ENTRIES = 1_234;

    final JdbcConnectionPool database = JdbcConnectionPool.create(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "relay", "");
    /** Every third connection left for INACTIVE; the others are still PENDING; some the history never saw. */
    final Map<String, CanonicalStatus> history = new HashMap<>();

    {
        StateDatabase.migrate(database);
    }

    @AfterEach
    void closeDatabase() {
        database.dispose();
    }

    @Test
    void everyPageIsResolvedAndOnlyTheLeaversChange() throws Exception {
        for (int i = 0; i < ENTRIES; i++) {
            String id = String.format("c-%05d", i);
            insert(id, i % 2 == 0 ? null : "PENDING");
            if (i % 7 != 0) {
                history.put(id, i % 3 == 0 ? CanonicalStatus.INACTIVE : CanonicalStatus.PENDING);
            }
        }
        ConnectionStatuses statuses = (source, ids) -> {
            Map<String, CanonicalStatus> known = new HashMap<>();
            ids.forEach(id -> {
                if (history.containsKey(id)) {
                    known.put(id, history.get(id));
                }
            });
            return known;
        };

        new DigestLedger(database, statuses).resolveLeavers("crux-a", List.of(CanonicalStatus.PENDING), NOW);

        for (int i = 0; i < ENTRIES; i++) {
            String id = String.format("c-%05d", i);
            boolean left = i % 7 != 0 && i % 3 == 0;
            String[] row = row(id);
            if (!left) {
                assertThat(row).as(id + " stays").containsExactly("PENDING", null);
            } else if (i % 2 == 0) {
                assertThat(row).as(id + " never listed: forgotten").isNull();
            } else {
                assertThat(row).as(id + " listed: resolved").containsExactly("RESOLVED", "INACTIVE");
            }
        }
    }

    @Test
    void anEntryAnotherCycleChangedSinceThePageWasReadIsLeftToIt() throws Exception {
        insert("c-1", "PENDING");
        history.put("c-1", CanonicalStatus.INACTIVE);
        ConnectionStatuses statuses = (source, ids) -> {
            try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
                // the entry became news in another state while the history was asked
                statement.executeUpdate("UPDATE email_digest_connection SET state = 'ACTIVE' WHERE connection_id = 'c-1'");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("c-1", CanonicalStatus.INACTIVE);
        };

        new DigestLedger(database, statuses).resolveLeavers("crux-a", List.of(CanonicalStatus.PENDING,
                CanonicalStatus.ACTIVE), NOW);

        assertThat(row("c-1")).containsExactly("ACTIVE", null);
    }

    private void insert(String id, String reported) throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO email_digest_connection (source,"
                     + " connection_id, manager, state, reported_state, changed_at, record_json)"
                     + " VALUES ('crux-a', ?, 'ana@example.com', 'PENDING', ?, ?, '{}')")) {
            insert.setString(1, id);
            insert.setString(2, reported);
            insert.setObject(3, OffsetDateTime.ofInstant(NOW.minusSeconds(3600), ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    /** The entry's state and resolved_as, or null when it is gone. */
    private String[] row(String id) throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT state, resolved_as FROM email_digest_connection WHERE connection_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new String[] {row.getString(1), row.getString(2)} : null;
            }
        }
    }
}
