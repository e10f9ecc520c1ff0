package io.connectionrelay.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import io.connectionrelay.core.Settings;

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

    /** Reads the settings, which SettingsSchema has checked (cluster mode with a PostgreSQL state database). */
    public static ClusterSettings read(Settings settings) {
        return new ClusterSettings(settings.getBoolean(ENABLED),
                settings.get(INSTANCE_ID).orElseGet(ClusterSettings::defaultInstanceId),
                settings.getDuration(CHECKIN_INTERVAL),
                settings.getDuration(MISFIRE_THRESHOLD));
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
