package io.connectionrelay.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

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
 * Every record passes here, so it keeps one connection with its statements prepared, shared under
 * a lock (a few microseconds per record), rather than a pool checkout and three statement parses
 * per record: on the 100k-record benchmark that was a third of the CPU, and against PostgreSQL an
 * unpooled connection per record. A broken connection is opened again on the next record; Camel
 * closes it at shutdown.
 */
public class ConnectionHistory implements Service {

    static final String TABLE = "relay_connection_history";
    private static final String SELECT = "SELECT status, previous_status, status_since FROM " + TABLE
            + " WHERE source = ? AND connection_id = ?";
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

    private record Session(Connection connection, PreparedStatement select, PreparedStatement insert,
            PreparedStatement update) {

        static Session open(DataSource database) throws SQLException {
            Connection connection = database.getConnection();
            try {
                connection.setAutoCommit(true);
                return new Session(connection, connection.prepareStatement(SELECT), connection.prepareStatement(INSERT),
                        connection.prepareStatement(UPDATE));
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

    public ConnectionHistory(DataSource database) {
        this.database = database;
    }

    /** Notes the record's current status and returns its history. */
    public synchronized StatusHistory observe(ConnectionRecord record, Instant now) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (session == null) {
                    session = Session.open(database);
                }
                return observe(session, record, now);
            } catch (SQLException e) {
                if (!isConflict(e)) {
                    // the connection may be what failed: the next try, or the next record, opens another
                    stop();
                }
                // a conflict: another process inserted or changed the row first, so read it again
                if (attempt == TRIES) {
                    throw new IllegalStateException("Connection history for " + record.key()
                            + " could not be read or written: " + e.getMessage(), e);
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

    private static StatusHistory observe(Session session, ConnectionRecord record, Instant now) throws SQLException {
        CanonicalStatus status = record.status();
        CanonicalStatus known;
        String previous;
        OffsetDateTime since;
        PreparedStatement select = session.select();
        select.setString(1, record.source());
        select.setString(2, record.connectionId());
        try (ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                Instant first = vendorDate(record, now);
                PreparedStatement insert = session.insert();
                insert.setString(1, record.source());
                insert.setString(2, record.connectionId());
                insert.setString(3, status.name());
                insert.setObject(4, OffsetDateTime.ofInstant(first, ZoneOffset.UTC));
                insert.executeUpdate();
                return new StatusHistory(null, first);
            }
            known = CanonicalStatus.valueOf(row.getString(1));
            previous = row.getString(2);
            since = row.getObject(3, OffsetDateTime.class);
        }
        if (known == status) {
            return new StatusHistory(previous == null ? null : CanonicalStatus.valueOf(previous), since.toInstant());
        }
        PreparedStatement update = session.update();
        update.setString(1, status.name());
        update.setString(2, known.name());
        update.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        update.setString(4, record.source());
        update.setString(5, record.connectionId());
        update.setString(6, known.name());
        if (update.executeUpdate() == 0) {
            throw new SQLException("changed concurrently", CONFLICT);
        }
        return new StatusHistory(known, now);
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
