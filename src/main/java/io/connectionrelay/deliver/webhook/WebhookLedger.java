package io.connectionrelay.deliver.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.connectionrelay.cluster.ClaimOwner;

/**
 * Per subscriber and connection: the watched state that subscriber last acknowledged with a 2xx,
 * and that event's id. Change detection compares with it and previous_status comes from it. A row
 * moves only after a 2xx, or when the connection leaves the subscriber's status filter (so that
 * coming back into it is news again). The SQL is plain enough for H2 and PostgreSQL alike.
 * <p>
 * The same row holds the claim on the change being delivered: whoever claims it (one conditional
 * statement, so one winner among replicas and cycles) sends its event; nobody else decides the
 * connection has news for that subscriber until the event is acknowledged or parked, or the claim
 * lapses: after {@code relay.webhook.in-flight-timeout}, or sooner when the claiming replica stops
 * checking in with the cluster. A lapsed claim's change is detected again, under the same id.
 */
public class WebhookLedger {

    /** Unique-key violation: the same SQLSTATE in H2 and PostgreSQL. */
    private static final String CONFLICT = "23505";

    /** What one subscriber last heard about one connection. */
    public record Entry(String status, String fingerprint, String eventId) {
    }

    private final DataSource dataSource;
    private final ClaimOwner owner;

    public WebhookLedger(DataSource dataSource, ClaimOwner owner) {
        this.dataSource = dataSource;
        this.owner = owner;
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
                    // a row with a claim but no acknowledged event: the subscriber has heard nothing yet
                    if (rows.getString(4) != null) {
                        entries.put(rows.getString(1), new Entry(rows.getString(2), rows.getString(3), rows.getString(4)));
                    }
                }
            }
        }
        return entries;
    }

    /**
     * Claims the change from the acknowledged event {@code basis} (null: none yet) to the event
     * {@code eventId}, for this replica. False when someone else holds a live claim on the
     * connection, or the ledger moved on since it was read: then there is no event to send.
     */
    public boolean claim(String subscriber, String connectionKey, String basis, String eventId, Instant now)
            throws SQLException {
        OffsetDateTime when = now.atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            if (basis == null) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO relay_webhook_ledger "
                        + "(connection_key, subscriber, claimed_event_id, claimed_by, claimed_at) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, connectionKey);
                    insert.setString(2, subscriber);
                    insert.setString(3, eventId);
                    insert.setString(4, owner.instanceId());
                    insert.setObject(5, when);
                    return insert.executeUpdate() == 1;
                } catch (SQLException e) {
                    if (!CONFLICT.equals(e.getSQLState())) {
                        throw e;
                    }
                    // the row exists: claimed by someone, or once acknowledged and since left the filter
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE relay_webhook_ledger "
                    + "SET claimed_event_id = ?, claimed_by = ?, claimed_at = ? "
                    + "WHERE connection_key = ? AND subscriber = ? AND event_id IS NOT DISTINCT FROM ? "
                    + "AND (claimed_event_id IS NULL OR claimed_at < ?" + owner.lapsedClaimCondition() + ")")) {
                update.setString(1, eventId);
                update.setString(2, owner.instanceId());
                update.setObject(3, when);
                update.setString(4, connectionKey);
                update.setString(5, subscriber);
                if (basis == null) {
                    update.setNull(6, Types.VARCHAR);
                } else {
                    update.setString(6, basis);
                }
                update.setObject(7, now.minus(owner.inFlightTimeout()).atOffset(ZoneOffset.UTC));
                owner.bindLapsed(update, 8);
                return update.executeUpdate() == 1;
            }
        }
    }

    /** The event was parked in the dead-letter store: its claim ends (the dead-letter store blocks it now). */
    public void release(String subscriber, String connectionKey, String eventId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE relay_webhook_ledger "
                        + "SET claimed_event_id = NULL, claimed_by = NULL, claimed_at = NULL "
                        + "WHERE connection_key = ? AND subscriber = ? AND claimed_event_id = ?")) {
            update.setString(1, connectionKey);
            update.setString(2, subscriber);
            update.setString(3, eventId);
            update.executeUpdate();
        }
    }

    /**
     * At startup nothing is in flight in this process: its claims from an earlier run (the same
     * instance id), or every claim when this process is the only one, end now, so the first cycle
     * sends what the earlier run never got acknowledged.
     */
    public void releaseOwnClaims() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE relay_webhook_ledger "
                        + "SET claimed_event_id = NULL, claimed_by = NULL, claimed_at = NULL "
                        + "WHERE claimed_event_id IS NOT NULL" + (owner.shared() ? " AND claimed_by = ?" : ""))) {
            if (owner.shared()) {
                update.setString(1, owner.instanceId());
            }
            update.executeUpdate();
        }
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
                        + "SET status = ?, fingerprint = ? WHERE connection_key = ? AND subscriber = ? "
                        + "AND event_id IS NOT NULL")) {
            update.setString(1, status);
            update.setString(2, fingerprint);
            update.setString(3, connectionKey);
            update.setString(4, subscriber);
            update.executeUpdate();
        }
    }

    private static int update(Connection connection, String subscriber, String connectionKey, String status,
            String fingerprint, String eventId, OffsetDateTime when) throws SQLException {
        // the event's own claim ends with it; another one (a replay acknowledged meanwhile) stays
        try (PreparedStatement update = connection.prepareStatement("UPDATE relay_webhook_ledger SET status = ?, "
                + "fingerprint = ?, event_id = ?, delivered_at = ?, "
                + "claimed_by = CASE WHEN claimed_event_id = ? THEN NULL ELSE claimed_by END, "
                + "claimed_at = CASE WHEN claimed_event_id = ? THEN NULL ELSE claimed_at END, "
                + "claimed_event_id = CASE WHEN claimed_event_id = ? THEN NULL ELSE claimed_event_id END "
                + "WHERE connection_key = ? AND subscriber = ?")) {
            update.setString(1, status);
            update.setString(2, fingerprint);
            update.setString(3, eventId);
            update.setObject(4, when);
            update.setString(5, eventId);
            update.setString(6, eventId);
            update.setString(7, eventId);
            update.setString(8, connectionKey);
            update.setString(9, subscriber);
            return update.executeUpdate();
        }
    }
}
