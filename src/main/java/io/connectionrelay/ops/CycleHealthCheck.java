package io.connectionrelay.ops;

import java.util.Map;
import java.util.stream.Collectors;

import io.connectionrelay.core.Settings;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: DOWN while any source's last N cycles all failed (relay.health.failed-cycles-threshold),
 * so an orchestrator or load balancer sees a relay that polls but gets nothing through. Not a
 * liveness check: restarting the process does not fix an upstream outage.
 */
public class CycleHealthCheck extends AbstractHealthCheck {

    static final String THRESHOLD = "relay.health.failed-cycles-threshold";

    private final CycleOutcomes outcomes;
    private final int threshold;

    public CycleHealthCheck(CycleOutcomes outcomes, int threshold) {
        super("relay", "relay-cycles");
        this.outcomes = outcomes;
        this.threshold = threshold;
    }

    /** relay.health.failed-cycles-threshold, 3 by default (1 or more: SettingsSchema checked it). */
    public static int threshold(Settings settings) {
        return settings.getInt(THRESHOLD);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Integer> failures = outcomes.consecutiveFailures();
        failures.forEach((source, count) -> builder.detail("source." + source + ".consecutive-failures", count));
        String failing = failures.entrySet().stream().filter(e -> e.getValue() >= threshold)
                .map(Map.Entry::getKey).collect(Collectors.joining(", "));
        if (failing.isEmpty()) {
            builder.up();
        } else {
            builder.message("the last " + threshold + " or more cycles of source(s) " + failing
                    + " failed (relay.health.failed-cycles-threshold)").down();
        }
    }
}
