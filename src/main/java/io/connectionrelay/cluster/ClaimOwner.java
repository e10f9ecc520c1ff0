package io.connectionrelay.cluster;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Who takes claims on shared work (a webhook change, a dead-letter replay) and when a claim has
 * lapsed so that another may take it. A claim lapses after {@code inFlightTimeout}; in cluster mode
 * also as soon as its replica has stopped checking in with Quartz's clustered job store, the same
 * test (and the same time) after which Quartz hands that replica's schedules to the others.
 *
 * @param shared true in cluster mode: other live replicas' claims must be respected
 */
public record ClaimOwner(String instanceId, boolean shared, Duration inFlightTimeout, String schedulerName,
        Duration failoverTime) {

    public static ClaimOwner of(ClusterSettings cluster, String schedulerName, Duration inFlightTimeout) {
        return new ClaimOwner(cluster.instanceId(), cluster.enabled(), inFlightTimeout, schedulerName,
                cluster.failoverTime());
    }

    /**
     * SQL to OR into a "the claim has lapsed" test on a row with a claimed_by column: in cluster
     * mode, a claim held by a replica that is no longer checked in. Bind it with {@link #bindLapsed}.
     */
    public String lapsedClaimCondition() {
        return shared ? " OR claimed_by NOT IN (SELECT instance_name FROM qrtz_scheduler_state "
                + "WHERE sched_name = ? AND last_checkin_time >= ?)" : "";
    }

    /** Binds {@link #lapsedClaimCondition()}'s parameters from {@code index}; Quartz's check-ins are wall-clock millis. */
    public void bindLapsed(PreparedStatement statement, int index) throws SQLException {
        if (shared) {
            statement.setString(index, schedulerName);
            statement.setLong(index + 1, System.currentTimeMillis() - failoverTime.toMillis());
        }
    }
}
