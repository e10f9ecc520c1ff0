package io.connectionrelay.deliver.email;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.connectionrelay.core.ConnectionStatuses;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;

/**
 * What each manager was told, in the state database (tables email_digest_connection and
 * email_digest_manager, migration V5__email_digests.sql). Every decision is
 * conditional SQL, so that several relays sharing the database never both take it: whether a
 * record is news (a MERGE compares it with what was reported), whether a connection resolved
 * (a conditional UPDATE once the connection history says it left), and who sends a digest (a
 * conditional UPDATE claims the manager).
 */
final class DigestLedger {

    private static final int LEAVERS_PAGE = 500;

    private static final String REMEMBER = """
            MERGE INTO email_digest_connection c
            USING (SELECT CAST(? AS VARCHAR(200)) AS source, CAST(? AS VARCHAR(200)) AS connection_id,
                          CAST(? AS VARCHAR(320)) AS manager, CAST(? AS VARCHAR(16)) AS state,
                          CAST(? AS TIMESTAMP WITH TIME ZONE) AS seen_at, CAST(? AS VARCHAR) AS record_json) r
            ON c.source = r.source AND c.connection_id = r.connection_id
            WHEN MATCHED THEN UPDATE SET
                changed_at = CASE WHEN c.state <> r.state OR c.manager <> r.manager THEN r.seen_at ELSE c.changed_at END,
                reported_state = CASE WHEN c.manager <> r.manager THEN NULL ELSE c.reported_state END,
                reported_in = CASE WHEN c.manager <> r.manager THEN NULL ELSE c.reported_in END,
                manager = r.manager, state = r.state, resolved_as = NULL, record_json = r.record_json
            WHEN NOT MATCHED THEN INSERT (source, connection_id, manager, state, changed_at, record_json)
                VALUES (r.source, r.connection_id, r.manager, r.state, r.seen_at, r.record_json)""";
    /** A page of the source's unresolved connections, in key order after the last one of the page before. */
    private static final String UNRESOLVED = "SELECT connection_id, state FROM email_digest_connection"
            + " WHERE source = ? AND state <> 'RESOLVED' AND connection_id > ? ORDER BY connection_id LIMIT "
            + LEAVERS_PAGE;
    /** A connection that leaves before any digest listed it is nothing to tell. */
    private static final String FORGET_UNREPORTED = "DELETE FROM email_digest_connection WHERE source = ?"
            + " AND connection_id = ? AND reported_state IS NULL AND state = ?";
    /** Only in the state the page read: a cycle that brought the connection back to email meanwhile wins. */
    private static final String RESOLVE = "UPDATE email_digest_connection SET state = 'RESOLVED', changed_at = ?,"
            + " resolved_as = ? WHERE source = ? AND connection_id = ? AND state = ?";
    private static final String GROUPS = """
            SELECT c.manager,
                   MIN(CASE WHEN c.reported_state IS NULL OR c.reported_state <> c.state THEN c.changed_at END),
                   SUM(CASE WHEN c.state <> 'RESOLVED' THEN 1 ELSE 0 END),
                   MAX(m.last_attempt_at),
                   MAX(m.manager)
            FROM email_digest_connection c LEFT JOIN email_digest_manager m ON m.manager = c.manager
            GROUP BY c.manager""";
    private static final String ADD_MANAGER = """
            MERGE INTO email_digest_manager m USING (SELECT CAST(? AS VARCHAR(320)) AS manager) r
            ON m.manager = r.manager WHEN NOT MATCHED THEN INSERT (manager) VALUES (r.manager)""";
    private static final String CLAIM = "UPDATE email_digest_manager SET claimed_until = ?, last_attempt_at = ?"
            + " WHERE manager = ? AND (claimed_until IS NULL OR claimed_until <= ?)"
            + " AND (last_attempt_at IS NULL OR last_attempt_at <= ?)";
    private static final String FORCE_CLAIM = "UPDATE email_digest_manager SET claimed_until = ?, last_attempt_at = ?"
            + " WHERE manager = ?";
    private static final String ENTRIES = "SELECT record_json, state, reported_state, resolved_as, changed_at"
            + " FROM email_digest_connection WHERE manager = ?";
    private static final String REPORTED = "UPDATE email_digest_connection SET reported_state = state, reported_in = ?"
            + " WHERE source = ? AND connection_id = ? AND manager = ? AND state = ?";
    private static final String FORGET_REPORTED_RESOLVED = "DELETE FROM email_digest_connection"
            + " WHERE manager = ? AND state = 'RESOLVED' AND reported_state = 'RESOLVED'";
    private static final String SENT = "UPDATE email_digest_manager SET last_sent_at = ?, last_message_id = ?,"
            + " claimed_until = NULL WHERE manager = ?";
    private static final String RELEASE = "UPDATE email_digest_manager SET claimed_until = NULL WHERE manager = ?";
    /** Unique-key violation: the same SQLSTATE in H2 and PostgreSQL. */
    private static final String CONFLICT = "23505";

    /** A manager's group as the database has it: earliest unreported news (null: none), connections still waiting. */
    record Group(String manager, Instant newsSince, int outstanding, Instant lastAttempt, boolean known) {
    }

    private final DataSource database;
    private final ConnectionStatuses statuses;

    DigestLedger(DataSource database, ConnectionStatuses statuses) {
        this.database = database;
        this.statuses = statuses;
    }

    /**
     * Notes each record's latest state under its manager: one batch in one transaction, as the
     * state database may sync every commit to disk.
     */
    void remember(Collection<ConnectionRecord> records, Instant now) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement merge = connection.prepareStatement(REMEMBER)) {
                for (ConnectionRecord record : records) {
                    merge.setString(1, record.source());
                    merge.setString(2, record.connectionId());
                    merge.setString(3, DigestRecipient.of(record).groupKey());
                    merge.setString(4, record.status().name());
                    merge.setObject(5, utc(now));
                    merge.setString(6, RecordJson.write(record));
                    merge.addBatch();
                }
                merge.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * The source's connections whose status in the connection history (which its cycle has just
     * brought up to date) is no longer one routed to email have resolved: listed ones become news
     * to report once, never-listed ones are forgotten. A page of them at a time, in key order, each
     * page one transaction whose statements hold the state the page read: a second relay doing the
     * same at once, or a cycle that changed a connection meanwhile, makes them change nothing.
     */
    void resolveLeavers(String source, Collection<CanonicalStatus> routed, Instant now) throws SQLException {
        // email routed for every status (nothing can leave) or none (the channel is off)
        if (routed.isEmpty() || routed.size() == CanonicalStatus.values().length) {
            return;
        }
        String after = "";
        for (Map<String, String> page = unresolved(source, after); !page.isEmpty(); page = unresolved(source, after)) {
            // asked without holding a connection of this pool: a shared history borrows its own
            Map<String, CanonicalStatus> current = statuses.current(source, page.keySet());
            List<Leaver> left = new ArrayList<>();
            page.forEach((id, state) -> {
                CanonicalStatus status = current.get(id);
                if (status != null && !routed.contains(status)) {
                    left.add(new Leaver(id, state, status));
                }
            });
            resolve(source, left, now);
            after = List.copyOf(page.keySet()).get(page.size() - 1);
        }
    }

    /** An unresolved entry whose connection left email: its id, the entry's state as read, the status it left for. */
    private record Leaver(String connectionId, String state, CanonicalStatus status) {
    }

    /** The next page of the source's unresolved entries, id to state, in id order. */
    private Map<String, String> unresolved(String source, String after) throws SQLException {
        Map<String, String> page = new LinkedHashMap<>();
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(UNRESOLVED)) {
            select.setString(1, source);
            select.setString(2, after);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    page.put(row.getString(1), row.getString(2));
                }
            }
        }
        return page;
    }

    private void resolve(String source, List<Leaver> left, Instant now) throws SQLException {
        if (left.isEmpty()) {
            return;
        }
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement forget = connection.prepareStatement(FORGET_UNREPORTED);
                 PreparedStatement resolve = connection.prepareStatement(RESOLVE)) {
                for (Leaver leaver : left) {
                    forget.setString(1, source);
                    forget.setString(2, leaver.connectionId());
                    forget.setString(3, leaver.state());
                    forget.addBatch();
                    resolve.setObject(1, utc(now));
                    resolve.setString(2, leaver.status().name());
                    resolve.setString(3, source);
                    resolve.setString(4, leaver.connectionId());
                    resolve.setString(5, leaver.state());
                    resolve.addBatch();
                }
                forget.executeBatch();
                resolve.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    List<Group> groups() throws SQLException {
        List<Group> groups = new ArrayList<>();
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(GROUPS);
             ResultSet row = select.executeQuery()) {
            while (row.next()) {
                groups.add(new Group(row.getString(1), instant(row, 2), row.getInt(3), instant(row, 4),
                        row.getString(5) != null));
            }
        }
        return groups;
    }

    /**
     * Takes the manager's next digest unless another sender holds it (until its claim expires) or
     * attempted one after {@code attemptedBefore}. True when this caller is to send it.
     */
    boolean claim(Group group, Instant now, Instant claimUntil, Instant attemptedBefore) throws SQLException {
        String manager = group.manager();
        try (Connection connection = database.getConnection()) {
            if (!group.known()) {
                addManager(connection, manager);
            }
            try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                claim.setObject(1, utc(claimUntil));
                claim.setObject(2, utc(now));
                claim.setString(3, manager);
                claim.setObject(4, utc(now));
                claim.setObject(5, utc(attemptedBefore));
                return claim.executeUpdate() == 1;
            }
        }
    }

    /** For a replay an operator asked for: taken whoever holds it. */
    void forceClaim(String manager, Instant now, Instant claimUntil) throws SQLException {
        try (Connection connection = database.getConnection()) {
            addManager(connection, manager);
            try (PreparedStatement claim = connection.prepareStatement(FORCE_CLAIM)) {
                claim.setObject(1, utc(claimUntil));
                claim.setObject(2, utc(now));
                claim.setString(3, manager);
                claim.executeUpdate();
            }
        }
    }

    List<DigestEntry> entries(String manager) throws SQLException {
        List<DigestEntry> entries = new ArrayList<>();
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(ENTRIES)) {
            select.setString(1, manager);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    ConnectionRecord record = RecordJson.read(row.getString(1));
                    String state = row.getString(2);
                    String reported = row.getString(3);
                    String resolvedAs = row.getString(4);
                    DigestEntry.Section section = DigestEntry.RESOLVED.equals(state) ? DigestEntry.Section.RESOLVED
                            : state.equals(reported) ? DigestEntry.Section.WAITING : DigestEntry.Section.NEW;
                    entries.add(new DigestEntry(record, state, section,
                            resolvedAs == null ? null : CanonicalStatus.valueOf(resolvedAs), instant(row, 5)));
                }
            }
        }
        return entries;
    }

    /**
     * The digest is out (or dead-lettered whole, for a replay to send): its entries count as told
     * in the state it listed them, resolved ones are forgotten, and the manager's claim ends.
     */
    void sent(Digest digest, String messageId, Instant now) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement reported = connection.prepareStatement(REPORTED);
                 PreparedStatement forget = connection.prepareStatement(FORGET_REPORTED_RESOLVED);
                 PreparedStatement sent = connection.prepareStatement(SENT)) {
                // a connection still waiting was told in an earlier digest, which reported_in keeps naming
                for (DigestEntry entry : digest.entries()) {
                    if (entry.section() == DigestEntry.Section.WAITING) {
                        continue;
                    }
                    reported.setString(1, messageId);
                    reported.setString(2, entry.record().source());
                    reported.setString(3, entry.record().connectionId());
                    reported.setString(4, digest.manager());
                    reported.setString(5, entry.state());
                    reported.addBatch();
                }
                reported.executeBatch();
                forget.setString(1, digest.manager());
                forget.executeUpdate();
                sent.setObject(1, utc(now));
                sent.setString(2, messageId);
                sent.setString(3, digest.manager());
                sent.executeUpdate();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Nothing to send after all (the group emptied meanwhile): the next sender may go. */
    void release(String manager) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement release = connection.prepareStatement(RELEASE)) {
            release.setString(1, manager);
            release.executeUpdate();
        }
    }

    private static void addManager(Connection connection, String manager) throws SQLException {
        try (PreparedStatement add = connection.prepareStatement(ADD_MANAGER)) {
            add.setString(1, manager);
            add.executeUpdate();
        } catch (SQLException e) {
            // another sender added the row first: it is there either way
            if (!CONFLICT.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
