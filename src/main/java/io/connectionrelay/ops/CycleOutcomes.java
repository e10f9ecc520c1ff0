package io.connectionrelay.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.connectionrelay.core.CycleContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;

/**
 * How each source's poll cycles end, told by direct:cycle-end (success) and direct:cycle-failed
 * (failure). Feeds the per-source gauges and the readiness check {@link CycleHealthCheck}.
 */
public class CycleOutcomes {

    public static final String CYCLES = "relay.cycles";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, SourceState> sources = new ConcurrentHashMap<>();

    /** Gauges read these fields; Micrometer holds the object weakly, this map holds it for good. */
    static final class SourceState {
        final AtomicInteger consecutiveFailures = new AtomicInteger();
        volatile double lastDurationSeconds;
        /** Epoch seconds; 0 until the first successful cycle. */
        volatile double lastSuccessEpochSeconds;
        volatile String lastFailedCycle;
    }

    public CycleOutcomes(MeterRegistry registry, Clock clock, Iterable<String> configuredSources) {
        this.registry = registry;
        this.clock = clock;
        // gauges exist from startup, so "never succeeded" (0) is visible and alertable
        configuredSources.forEach(this::state);
    }

    public void succeeded(Exchange exchange) {
        String source = sourceOf(exchange);
        SourceState state = state(source);
        state.consecutiveFailures.set(0);
        state.lastDurationSeconds = elapsedSeconds(exchange);
        state.lastSuccessEpochSeconds = clock.instant().toEpochMilli() / 1000.0;
        registry.counter(CYCLES, "source", source, "outcome", "success").increment();
    }

    public void failed(Exchange exchange) {
        String source = sourceOf(exchange);
        SourceState state = state(source);
        CycleContext context = CycleContext.find(exchange);
        String cycle = context == null ? null : context.id();
        if (cycle != null && cycle.equals(state.lastFailedCycle)) {
            return; // told twice: its failure handling failed as well
        }
        state.lastFailedCycle = cycle;
        state.consecutiveFailures.incrementAndGet();
        state.lastDurationSeconds = elapsedSeconds(exchange);
        registry.counter(CYCLES, "source", source, "outcome", "failure").increment();
    }

    /** Failed cycles since the source's last successful one, per source. */
    public Map<String, Integer> consecutiveFailures() {
        Map<String, Integer> failures = new TreeMap<>();
        sources.forEach((source, state) -> failures.put(source, state.consecutiveFailures.get()));
        return failures;
    }

    private static String sourceOf(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        return cycle == null ? "unknown" : cycle.source();
    }

    private SourceState state(String source) {
        return sources.computeIfAbsent(source, s -> {
            SourceState state = new SourceState();
            Gauge.builder("relay.cycle.last.duration", state, st -> st.lastDurationSeconds)
                    .description("How long the source's last poll cycle took, successful or not")
                    .baseUnit("seconds").tag("source", s).register(registry);
            Gauge.builder("relay.cycle.last.success.timestamp", state, st -> st.lastSuccessEpochSeconds)
                    .description("When the source's last successful cycle ended (epoch seconds, 0 = never)")
                    .baseUnit("seconds").tag("source", s).register(registry);
            Gauge.builder("relay.cycle.consecutive.failures", state, st -> st.consecutiveFailures.get())
                    .description("Failed cycles since the source's last successful one")
                    .tag("source", s).register(registry);
            return state;
        });
    }

    private static double elapsedSeconds(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        return cycle == null ? 0 : Duration.between(cycle.started(), Instant.now()).toNanos() / 1e9;
    }
}
