package io.connectionrelay.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.connectionrelay.cluster.ReplicaStatus;
import io.connectionrelay.core.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.Registry;

/**
 * Binds the relay's metrics, health and cycle-log beans: relayMetrics, runSummary, cycleOutcomes,
 * cycleLog and the readiness checks of the cycles and of this replica (Camel's health registry picks up HealthCheck beans from the registry).
 */
public final class Observability {

    private Observability() {
    }

    public static RelayMetrics bind(CamelContext context, Settings settings, Clock clock, ReplicaStatus replica)
            throws Exception {
        Registry registry = context.getRegistry();
        // the registry camel-micrometer-prometheus serves at /observe/metrics, bound here so the relay's
        // counters (and the one-shot summary read from them) exist even with camel.metrics.enabled=false
        MeterRegistry meters = Optional.ofNullable(registry.lookupByNameAndType(
                        MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class))
                .orElseGet(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        RelayMetrics metrics = new RelayMetrics(meters);
        registry.bind("relayMetrics", metrics);
        registry.bind("runSummary", new RunSummary(metrics));

        Map<String, Duration> periods = sourcePeriods(settings);
        CycleOutcomes cycles = new CycleOutcomes(meters, clock, periods.keySet());
        registry.bind("cycleOutcomes", cycles);
        registry.bind("relayCycleHealthCheck", new CycleHealthCheck(cycles, CycleHealthCheck.threshold(settings)));
        CycleLog cycleLog = new CycleLog(context, settings);
        context.addService(cycleLog);
        registry.bind("cycleLog", cycleLog);
        periods.forEach(metrics::sourcePeriod);
        registry.bind("relayReplicaHealthCheck", new ReplicaHealthCheck(replica));
        metrics.watchReplica(replica);
        metrics.watchReadiness(() -> HealthCheckHelper.invokeReadiness(context).stream()
                .allMatch(result -> result.getState() == HealthCheck.State.UP));
        return metrics;
    }

    /** The enabled sources, in configured order, with their poll periods. */
    public static Map<String, Duration> sourcePeriods(Settings settings) {
        Map<String, Duration> periods = new LinkedHashMap<>();
        settings.getList("relay.sources").stream()
                .filter(id -> settings.getBoolean("relay.source." + id + ".enabled"))
                .forEach(id -> periods.put(id, settings.getDuration("relay.source." + id + ".period")));
        return periods;
    }
}
