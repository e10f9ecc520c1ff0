package io.connectionrelay.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.JobListener;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In cluster mode, Camel's quartz component (and with it cron:, which camel-quartz implements)
 * runs on Quartz's clustered JDBC job store in the state database: each trigger fires on one
 * replica at a time, a stateful job never overlaps itself across replicas, and when a replica
 * stops checking in the others take over its triggers. Every replica must use the same scheduler
 * name, the Camel context's name (camel.main.name), so they share one set of triggers.
 */
public final class ClusteredSchedules {

    /** Quartz group of the source schedules, so the ones no longer configured can be found. */
    public static final String SOURCE_GROUP = "relay-sources";

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredSchedules.class);
    private static final String DATA_SOURCE = "relayState";

    private ClusteredSchedules() {
    }

    /**
     * Replaces the quartz component with one on the clustered job store; firings hears of each
     * source poll this replica starts.
     */
    public static void configure(CamelContext context, ClusterSettings cluster, DataSource state, int jobs,
            JobListener firings) {
        // Quartz looks its data source up by name; the relay's pool is handed over, not configured twice
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new PooledConnections(state));
        Map<String, Object> properties = new HashMap<>();
        properties.put("org.quartz.scheduler.instanceName", context.getName());
        properties.put("org.quartz.scheduler.instanceId", cluster.instanceId());
        properties.put("org.quartz.scheduler.skipUpdateCheck", "true");
        // a replica that was given no trigger for a while looks again this often for new ones
        properties.put("org.quartz.scheduler.idleWaitTime", Long.toString(Math.max(1000, cluster.checkinInterval().toMillis())));
        properties.put("org.quartz.threadPool.threadCount", Integer.toString(Math.max(2, jobs)));
        properties.put("org.quartz.jobStore.class", JobStoreTX.class.getName());
        properties.put("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
        properties.put("org.quartz.jobStore.dataSource", DATA_SOURCE);
        properties.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.put("org.quartz.jobStore.isClustered", "true");
        properties.put("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        properties.put("org.quartz.jobStore.clusterCheckinInterval", Long.toString(cluster.checkinInterval().toMillis()));
        properties.put("org.quartz.jobStore.misfireThreshold", Long.toString(cluster.misfireThreshold().toMillis()));
        QuartzComponent quartz = new QuartzComponent();
        quartz.setProperties(properties);
        quartz.setPrefixInstanceName(false);
        quartz.addScheduleInitTask(scheduler -> scheduler.getListenerManager()
                .addJobListener(firings, GroupMatcher.jobGroupEquals(SOURCE_GROUP)));
        context.addComponent("quartz", quartz);
    }

    /**
     * Deletes the triggers of sources that are no longer configured: the job store outlives every
     * replica, and a removed source would otherwise go on firing into nothing.
     */
    public static void removeUnconfigured(CamelContext context, Set<String> sources) throws SchedulerException {
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        for (TriggerKey key : quartz.getScheduler().getTriggerKeys(GroupMatcher.triggerGroupEquals(SOURCE_GROUP))) {
            if (!sources.contains(key.getName())) {
                quartz.getScheduler().unscheduleJob(key);
                LOG.info("Removed the schedule of source {}: it is no longer in relay.sources", key.getName());
            }
        }
    }

    /** The relay's pool as a Quartz connection provider; the pool is closed by StateDatabase, not here. */
    private record PooledConnections(DataSource pool) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void shutdown() {
            // the relay closes its pool when it stops
        }

        @Override
        public void initialize() {
            // the pool is open already
        }
    }
}
