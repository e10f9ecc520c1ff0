package io.connectionrelay.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import org.apache.camel.Service;

/**
 * Each connection's canonical status and since when it has had it, in the relay's state database
 * (table relay_connection_history, keyed by source and connection id), so a record can say what
 * its status was before and how long it has been in this one. No vendor says either.
 * <p>
 * First sight: the status dates from the vendor's own date for it (deactivated, active or created)
 * when there is one, else from now. A changed status dates from now and remembers the old one.
 * <p>
 * Records come a chunk at a time: one SELECT reads the chunk's rows, and one batch of inserts and
 * one of updates write them, in one transaction, so the database costs a few round trips per chunk
 * rather than two per record. It keeps one connection, shared under a lock; a broken connection is
 * opened again on the next chunk, and Camel closes it at shutdown.
 */
public class ConnectionHistory implements Service {

    static final String TABLE = "relay_connection_history";
    /**
     * By connection id alone, the key's first column (V9), the source checked on the rows: an IN
     * list on the key's second column would have H2 scan every row of the source.
     */
    private static final String SELECT = "SELECT source, connection_id, status, previous_status, status_since FROM "
            + TABLE + " WHERE connection_id IN (%s)";
    private static final String INSERT = "INSERT INTO " + TABLE
            + " (source, connection_id, status, previous_status, status_since) VALUES (?, ?, ?, NULL, ?)";
    /** Only if nobody changed it meanwhile: two cycles of one source may overlap on a slow channel. */
    private static final String UPDATE = "UPDATE " + TABLE + " SET status = ?, previous_status = ?, status_since = ?"
            + " WHERE source = ? AND connection_id = ? AND status = ?";
    private static final int TRIES = 3;
    /** Unique-key violation: the same SQLSTATE in H2 and PostgreSQL. */
    private static final String CONFLICT = "23505";

    /** The status's story so far: what it was before (null if never seen otherwise) and since when it is what it is. */
    public record StatusHistory(CanonicalStatus previous, Instant since) {
    }

    private final DataSource database;
    private Session session;

    private record Session(Connection connection, PreparedStatement insert, PreparedStatement update) {

        static Session open(DataSource database) throws SQLException {
            Connection connection = database.getConnection();
            try {
                connection.setAutoCommit(false);
                return new Session(connection, connection.prepareStatement(INSERT), connection.prepareStatement(UPDATE));
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // going away either way
            }
        }
    }

    /** What the table says of one connection, as the chunk is worked through. */
    private record Known(CanonicalStatus status, CanonicalStatus previous, Instant since) {
    }

    public ConnectionHistory(DataSource database) {
        this.database = database;
    }

    /** Notes each record's current status and returns its history, in the chunk's order. */
    public synchronized List<StatusHistory> observe(List<ConnectionRecord> chunk, Instant now) {
        if (chunk.isEmpty()) {
            return List.of();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                if (session == null) {
                    session = Session.open(database);
                }
                List<StatusHistory> histories = observe(session, chunk, now);
                session.connection().commit();
                return histories;
            } catch (SQLException e) {
                rollback();
                if (!isConflict(e)) {
                    // the connection may be what failed: the next try, or the next chunk, opens another
                    stop();
                }
                // a conflict: another process inserted or changed a row first, so read them again
                if (attempt == TRIES) {
                    throw new IllegalStateException("Connection history for " + chunk.size() + " record(s) of "
                            + (chunk.isEmpty() ? "no source" : chunk.get(0).source()) + " could not be read or written: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void start() {
        // the connection opens with the first record
    }

    @Override
    public synchronized void stop() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    private static List<StatusHistory> observe(Session session, List<ConnectionRecord> chunk, Instant now)
            throws SQLException {
        Map<String, Map<String, Known>> known = new HashMap<>();
        for (Map.Entry<String, List<String>> source : idsBySource(chunk).entrySet()) {
            known.put(source.getKey(), read(session.connection(), source.getKey(), source.getValue()));
        }
        List<StatusHistory> histories = new ArrayList<>(chunk.size());
        int inserts = 0;
        int updates = 0;
        for (ConnectionRecord record : chunk) {
            Map<String, Known> rows = known.get(record.source());
            Known row = rows.get(record.connectionId());
            CanonicalStatus status = record.status();
            if (row == null) {
                Instant first = vendorDate(record, now);
                PreparedStatement insert = session.insert();
                insert.setString(1, record.source());
                insert.setString(2, record.connectionId());
                insert.setString(3, status.name());
                insert.setObject(4, OffsetDateTime.ofInstant(first, ZoneOffset.UTC));
                insert.addBatch();
                inserts++;
                rows.put(record.connectionId(), new Known(status, null, first));
                histories.add(new StatusHistory(null, first));
            } else if (row.status() == status) {
                histories.add(new StatusHistory(row.previous(), row.since()));
            } else {
                PreparedStatement update = session.update();
                update.setString(1, status.name());
                update.setString(2, row.status().name());
                update.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                update.setString(4, record.source());
                update.setString(5, record.connectionId());
                update.setString(6, row.status().name());
                update.addBatch();
                updates++;
                rows.put(record.connectionId(), new Known(status, row.status(), now));
                histories.add(new StatusHistory(row.status(), now));
            }
        }
        // inserts first: a connection seen twice in one chunk may be inserted, then updated
        if (inserts > 0) {
            session.insert().executeBatch();
        }
        if (updates > 0) {
            for (int count : session.update().executeBatch()) {
                if (count == 0) {
                    throw new SQLException("changed concurrently", CONFLICT);
                }
            }
        }
        return histories;
    }

    private static Map<String, List<String>> idsBySource(List<ConnectionRecord> chunk) {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        chunk.forEach(r -> ids.computeIfAbsent(r.source(), s -> new LinkedHashSet<>()).add(r.connectionId()));
        Map<String, List<String>> lists = new LinkedHashMap<>();
        ids.forEach((source, set) -> lists.put(source, List.copyOf(set)));
        return lists;
    }

    private static Map<String, Known> read(Connection connection, String source, List<String> ids) throws SQLException {
        Map<String, Known> rows = new HashMap<>();
        String placeholders = String.join(",", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement select = connection.prepareStatement(SELECT.formatted(placeholders))) {
            for (int i = 0; i < ids.size(); i++) {
                select.setString(i + 1, ids.get(i));
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (!source.equals(row.getString(1))) {
                        continue;
                    }
                    String previous = row.getString(4);
                    rows.put(row.getString(2), new Known(CanonicalStatus.valueOf(row.getString(3)),
                            previous == null ? null : CanonicalStatus.valueOf(previous),
                            row.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return rows;
    }

    private void rollback() {
        if (session != null) {
            try {
                session.connection().rollback();
            } catch (SQLException ignored) {
                // the connection is dropped below if it is broken
            }
        }
    }

    private static boolean isConflict(SQLException e) {
        return CONFLICT.equals(e.getSQLState());
    }

    /** The vendor's own date for the current status, never later than now. */
    static Instant vendorDate(ConnectionRecord record, Instant now) {
        Instant date = switch (record.status()) {
            case INACTIVE -> record.deactivatedAt();
            case ACTIVE -> record.activeAt() != null ? record.activeAt() : record.createdAt();
            case PENDING -> record.createdAt();
        };
        return date == null || date.isAfter(now) ? now : date;
    }
}
