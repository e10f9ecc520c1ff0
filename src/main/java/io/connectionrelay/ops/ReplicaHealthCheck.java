package io.connectionrelay.ops;

import java.util.Map;

import io.connectionrelay.cluster.ReplicaStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: this replica's mode, instance id, scheduler state and the sources it holds (see
 * {@link ReplicaStatus} for what "holds" means). DOWN in cluster mode while its scheduler is not
 * running or cannot check in with the others through the state database: the others then take its
 * sources over, and it polls nothing. Not a liveness check: a restart does not bring a database back.
 */
public class ReplicaHealthCheck extends AbstractHealthCheck {

    private final ReplicaStatus replica;

    public ReplicaHealthCheck(ReplicaStatus replica) {
        super("relay", "relay-replica");
        this.replica = replica;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ReplicaStatus.Snapshot now = replica.current();
        builder.detail("mode", replica.mode());
        builder.detail("instance-id", replica.instanceId());
        builder.detail("scheduler", jsonSafe(now.scheduler()));
        builder.detail("sources-held", now.held().isEmpty() ? "none" : String.join(",", now.held()));
        if (now.running()) {
            builder.up();
        } else {
            builder.message("the scheduler of " + replica.instanceId() + " is not polling: " + jsonSafe(now.scheduler())).down();
        }
    }

    /**
     * Camel's health endpoint writes messages and details into its JSON without escaping them, and
     * a database's error names things in double quotes.
     */
    private static String jsonSafe(String text) {
        return text.replace('"', '\'').replace('\\', '/').replaceAll("\\s+", " ");
    }
}
