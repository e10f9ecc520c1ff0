package io.connectionrelay.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * What this replica does among the others, for readiness and metrics: whether its scheduler is
 * running and checked in with the others, and which sources it holds.
 * <p>
 * "Holds", under Quartz clustering, where no replica owns a source and each firing of a source's
 * trigger goes to whichever live replica acquires it first: this replica started the trigger's
 * latest firing (the scheduled time it ran is the trigger's previous fire time in the job store)
 * and that poll still runs here or was due within the last two periods. So at most one replica
 * holds a source; the holder may change from one period to the next; none holds it while a dead
 * holder's source waits to be taken over, or when nobody has polled it for two periods.
 * <p>
 * The job store is read every check-in interval by a thread of its own, never by a scrape or a
 * health probe, so these never wait for an unreachable database: a result older than the failover
 * time counts as "not checked in". In single-process mode the timers of this process poll every
 * source, so it holds them all.
 */
public final class ReplicaStatus extends ServiceSupport {

    /** One reading. running: scheduler started and checked in; scheduler: that state in words. */
    public record Snapshot(boolean running, String scheduler, Set<String> held, Instant readAt) {
    }

    private final CamelContext context;
    private final ClusterSettings cluster;
    private final boolean clustered;
    private final DataSource state;
    private final Map<String, Duration> periods;
    private final Clock clock;
    private final UnaryOperator<String> masker;
    /** Per source, the scheduled fire time (epoch millis) of the latest firing this replica started. */
    private final Map<String, Long> firedHere = new ConcurrentHashMap<>();
    private volatile Snapshot last;
    private ScheduledExecutorService reader;

    /**
     * @param clustered true when the sources are scheduled by Quartz's clustered job store
     *        (cluster mode, not a one-shot run)
     * @param periods each scheduled source's period
     * @param masker masks secrets in a database error before it is shown
     */
    public ReplicaStatus(CamelContext context, ClusterSettings cluster, boolean clustered, DataSource state,
            Map<String, Duration> periods, Clock clock, UnaryOperator<String> masker) {
        this.context = context;
        this.cluster = cluster;
        this.clustered = clustered;
        this.state = state;
        this.periods = Map.copyOf(periods);
        this.clock = clock;
        this.masker = masker;
        this.last = clustered ? new Snapshot(false, "starting", Set.of(), clock.instant())
                : new Snapshot(true, "timers of this process", new TreeSet<>(periods.keySet()), clock.instant());
    }

    /** "cluster" or "single". */
    public String mode() {
        return cluster.enabled() ? "cluster" : "single";
    }

    public String instanceId() {
        return cluster.instanceId();
    }

    public Set<String> sources() {
        return new TreeSet<>(periods.keySet());
    }

    /** The latest reading; one too old to trust says so and is not running. */
    public Snapshot current() {
        Snapshot snapshot = last;
        Duration age = Duration.between(snapshot.readAt(), clock.instant());
        if (clustered && age.compareTo(cluster.failoverTime()) > 0) {
            return new Snapshot(false, "no check-in result for " + seconds(age) + " (the state database does not answer)",
                    Set.of(), snapshot.readAt());
        }
        return snapshot;
    }

    /** Tells this replica's Quartz scheduler to report each source poll it starts. */
    public JobListener firings() {
        return new JobListener() {
            @Override
            public String getName() {
                return "relay-replica-status";
            }

            @Override
            public void jobToBeExecuted(JobExecutionContext execution) {
                firedHere.put(execution.getTrigger().getKey().getName(), execution.getScheduledFireTime().getTime());
            }

            @Override
            public void jobExecutionVetoed(JobExecutionContext execution) {
                // a vetoed firing polled nothing
            }

            @Override
            public void jobWasExecuted(JobExecutionContext execution, JobExecutionException failure) {
                // the holder stays the holder until another replica fires the trigger
            }
        };
    }

    @Override
    protected void doStart() {
        if (clustered) {
            reader = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "replica-status");
            long interval = cluster.checkinInterval().toMillis();
            reader.scheduleWithFixedDelay(this::read, 0, interval, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doStop() {
        if (reader != null) {
            context.getExecutorServiceManager().shutdownNow(reader);
        }
    }

    /** Reads the scheduler's state and the job store once. */
    void read() {
        Instant now = clock.instant();
        try {
            last = read(context.getComponent("quartz", QuartzComponent.class).getScheduler(), now);
        } catch (SQLException | SchedulerException | RuntimeException e) {
            last = new Snapshot(false, "cannot check in: " + masker.apply(String.valueOf(e.getMessage())), Set.of(), now);
        }
    }

    private Snapshot read(Scheduler scheduler, Instant now) throws SQLException, SchedulerException {
        if (scheduler == null || !scheduler.isStarted()) {
            return new Snapshot(false, "not started", Set.of(), now);
        }
        if (scheduler.isShutdown()) {
            return new Snapshot(false, "shut down", Set.of(), now);
        }
        if (scheduler.isInStandbyMode()) {
            return new Snapshot(false, "standby", Set.of(), now);
        }
        Set<String> executing = new TreeSet<>();
        for (JobExecutionContext running : scheduler.getCurrentlyExecutingJobs()) {
            if (running.getTrigger().getKey().getGroup().equals(ClusteredSchedules.SOURCE_GROUP)) {
                executing.add(running.getTrigger().getKey().getName());
            }
        }
        Map<String, Long> previousFires = new HashMap<>();
        long lastCheckin;
        try (Connection connection = state.getConnection()) {
            lastCheckin = lastCheckin(connection, scheduler.getSchedulerName());
            try (PreparedStatement select = connection.prepareStatement("SELECT trigger_name, prev_fire_time "
                    + "FROM qrtz_triggers WHERE sched_name = ? AND trigger_group = ?")) {
                select.setString(1, scheduler.getSchedulerName());
                select.setString(2, ClusteredSchedules.SOURCE_GROUP);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        previousFires.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
        }
        Set<String> held = new TreeSet<>(executing);
        periods.forEach((source, period) -> {
            Long previous = previousFires.get(source);
            if (previous != null && Objects.equals(previous, firedHere.get(source))
                    && previous >= now.minus(period.multipliedBy(2)).toEpochMilli()) {
                held.add(source);
            }
        });
        Duration silent = Duration.ofMillis(Math.max(0, now.toEpochMilli() - lastCheckin));
        if (silent.compareTo(cluster.failoverTime()) > 0) {
            return new Snapshot(false, lastCheckin == 0 ? "never checked in"
                    : "last checked in " + seconds(silent) + " ago: the others take its sources over after "
                    + seconds(cluster.failoverTime()), Set.of(), now);
        }
        return new Snapshot(true, "running, checked in " + seconds(silent) + " ago", held, now);
    }

    /** Quartz's own record of this replica's latest check-in (wall-clock millis), 0 if it has none. */
    private long lastCheckin(Connection connection, String schedulerName) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT last_checkin_time FROM qrtz_scheduler_state "
                + "WHERE sched_name = ? AND instance_name = ?")) {
            select.setString(1, schedulerName);
            select.setString(2, cluster.instanceId());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
