package io.connectionrelay.deliver.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Per subscriber and connection: the watched state that subscriber last acknowledged with a 2xx,
 * and that event's id. Change detection compares with it and previous_status comes from it. A row
 * moves only after a 2xx, or when the connection leaves the subscriber's status filter (so that
 * coming back into it is news again). The SQL is plain enough for H2 and PostgreSQL alike.
 */
public class WebhookLedger {

    /** What one subscriber last heard about one connection. */
    public record Entry(String status, String fingerprint, String eventId) {
    }

    private final DataSource dataSource;

    public WebhookLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every subscriber's entry for one connection, by subscriber id: one query per record. */
    public Map<String, Entry> lookup(String connectionKey) throws SQLException {
        Map<String, Entry> entries = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT subscriber, status, fingerprint, event_id FROM relay_webhook_ledger WHERE connection_key = ?")) {
            query.setString(1, connectionKey);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.put(rows.getString(1), new Entry(rows.getString(2), rows.getString(3), rows.getString(4)));
                }
            }
        }
        return entries;
    }

    /** The subscriber answered 2xx to this event. */
    public void delivered(String subscriber, String connectionKey, String status, String fingerprint, String eventId,
            Instant at) throws SQLException {
        OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            if (update(connection, subscriber, connectionKey, status, fingerprint, eventId, when) > 0) {
                return;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO relay_webhook_ledger "
                    + "(connection_key, subscriber, status, fingerprint, event_id, delivered_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, connectionKey);
                insert.setString(2, subscriber);
                insert.setString(3, status);
                insert.setString(4, fingerprint);
                insert.setString(5, eventId);
                insert.setObject(6, when);
                insert.executeUpdate();
            } catch (SQLException e) {
                // another consumer inserted the row first (SQLSTATE 23505 in H2 and PostgreSQL): last 2xx wins
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                update(connection, subscriber, connectionKey, status, fingerprint, eventId, when);
            }
        }
    }

    /**
     * The connection left the subscriber's status filter: remember its state without telling the
     * subscriber, so a return to a status it wants is a change. Only a connection the subscriber
     * has heard of has a row to move.
     */
    public void leftFilter(String subscriber, String connectionKey, String status, String fingerprint)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE relay_webhook_ledger "
                        + "SET status = ?, fingerprint = ? WHERE connection_key = ? AND subscriber = ?")) {
            update.setString(1, status);
            update.setString(2, fingerprint);
            update.setString(3, connectionKey);
            update.setString(4, subscriber);
            update.executeUpdate();
        }
    }

    private static int update(Connection connection, String subscriber, String connectionKey, String status,
            String fingerprint, String eventId, OffsetDateTime when) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE relay_webhook_ledger SET status = ?, "
                + "fingerprint = ?, event_id = ?, delivered_at = ? WHERE connection_key = ? AND subscriber = ?")) {
            update.setString(1, status);
            update.setString(2, fingerprint);
            update.setString(3, eventId);
            update.setObject(4, when);
            update.setString(5, connectionKey);
            update.setString(6, subscriber);
            return update.executeUpdate();
        }
    }
}
