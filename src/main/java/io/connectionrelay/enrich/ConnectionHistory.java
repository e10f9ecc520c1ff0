package io.connectionrelay.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;

/**
 * Each connection's canonical status and since when it has had it, in the relay's state database
 * (table relay_connection_history, keyed by source and connection id), so a record can say what
 * its status was before and how long it has been in this one. No vendor says either.
 * <p>
 * First sight: the status dates from the vendor's own date for it (deactivated, active or created)
 * when there is one, else from now. A changed status dates from now and remembers the old one.
 */
public class ConnectionHistory {

    static final String TABLE = "relay_connection_history";
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + "source VARCHAR(200) NOT NULL, "
            + "connection_id VARCHAR(200) NOT NULL, "
            + "status VARCHAR(16) NOT NULL, "
            + "previous_status VARCHAR(16), "
            + "status_since TIMESTAMP WITH TIME ZONE NOT NULL, "
            + "PRIMARY KEY (source, connection_id))";
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

    public ConnectionHistory(DataSource database) {
        this.database = database;
        try (Connection connection = database.getConnection(); Statement create = connection.createStatement()) {
            create.execute(CREATE);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create table " + TABLE + " in the state database "
                    + "(relay.state.jdbc-url, environment variable RELAY_STATE_JDBC_URL): " + e.getMessage(), e);
        }
    }

    /** Notes the record's current status and returns its history. */
    public StatusHistory observe(ConnectionRecord record, Instant now) {
        try (Connection connection = database.getConnection()) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return observe(connection, record, now);
                } catch (SQLException e) {
                    // a concurrent writer inserted or changed the row first: read it again
                    if (attempt == TRIES || !isConflict(e)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Connection history for " + record.key() + " could not be read or written: "
                    + e.getMessage(), e);
        }
    }

    private StatusHistory observe(Connection connection, ConnectionRecord record, Instant now) throws SQLException {
        CanonicalStatus status = record.status();
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            select.setString(1, record.source());
            select.setString(2, record.connectionId());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    Instant since = vendorDate(record, now);
                    insert(connection, status.name(), record.source(), record.connectionId(), since);
                    return new StatusHistory(null, since);
                }
                CanonicalStatus known = CanonicalStatus.valueOf(row.getString(1));
                String previous = row.getString(2);
                if (known == status) {
                    return new StatusHistory(previous == null ? null : CanonicalStatus.valueOf(previous),
                            row.getObject(3, OffsetDateTime.class).toInstant());
                }
                try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
                    update.setString(1, status.name());
                    update.setString(2, known.name());
                    update.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    update.setString(4, record.source());
                    update.setString(5, record.connectionId());
                    update.setString(6, known.name());
                    if (update.executeUpdate() == 0) {
                        throw new SQLException("changed concurrently", CONFLICT);
                    }
                }
                return new StatusHistory(known, now);
            }
        }
    }

    private static void insert(Connection connection, String status, String source, String id, Instant since)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, source);
            insert.setString(2, id);
            insert.setString(3, status);
            insert.setObject(4, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            insert.executeUpdate();
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
