package io.connectionrelay.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import io.connectionrelay.runtime.Settings;

/**
 * relay.cluster.*: whether this process is one of several replicas sharing one PostgreSQL state
 * database, and its name among them. Replicas run the same configuration; only the instance id
 * differs, and by default it is the host name and process id, which differ by themselves.
 */
public record ClusterSettings(boolean enabled, String instanceId, Duration checkinInterval,
        Duration misfireThreshold) {

    public static final String ENABLED = "relay.cluster.enabled";
    public static final String INSTANCE_ID = "relay.cluster.instance-id";
    public static final String CHECKIN_INTERVAL = "relay.cluster.checkin-interval";
    public static final String MISFIRE_THRESHOLD = "relay.cluster.misfire-threshold";

    /** Quartz's own margin on top of the check-in interval before it declares a replica dead. */
    static final Duration QUARTZ_GRACE = Duration.ofMillis(7500);

    /** Reads and checks the settings: cluster mode needs the shared database to be PostgreSQL. */
    public static ClusterSettings read(Settings settings) {
        boolean enabled = settings.getBoolean(ENABLED, false);
        String url = settings.get("relay.state.jdbc-url", "jdbc:h2:file:./data/state/relay");
        if (enabled && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("Setting " + ENABLED + " (environment variable " + Settings.envName(ENABLED)
                    + ") is 'true', which needs a PostgreSQL state database that every replica shares: set "
                    + "relay.state.jdbc-url (environment variable RELAY_STATE_JDBC_URL) to jdbc:postgresql://HOST/DB; "
                    + "it is " + (url.startsWith("jdbc:h2:") ? "an embedded H2 database of this process alone" : url));
        }
        Duration checkin = settings.getDuration(CHECKIN_INTERVAL, Duration.ofSeconds(5));
        Duration misfire = settings.getDuration(MISFIRE_THRESHOLD, Duration.ofSeconds(10));
        if (checkin.toMillis() < 500) {
            throw Settings.invalid(CHECKIN_INTERVAL, settings.get(CHECKIN_INTERVAL, ""), "at least 500ms");
        }
        if (misfire.toMillis() < 1000) {
            throw Settings.invalid(MISFIRE_THRESHOLD, settings.get(MISFIRE_THRESHOLD, ""), "at least 1s");
        }
        return new ClusterSettings(enabled, settings.get(INSTANCE_ID).orElseGet(ClusterSettings::defaultInstanceId),
                checkin, misfire);
    }

    /**
     * The longest a source waits after the replica running its poll dies: the survivors notice
     * after two check-ins plus Quartz's margin, and fire the overdue poll at once.
     */
    public Duration failoverTime() {
        return checkinInterval.multipliedBy(2).plus(QUARTZ_GRACE);
    }

    /** host-pid: unique among processes at any moment, readable in logs and in the database. */
    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "relay";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
