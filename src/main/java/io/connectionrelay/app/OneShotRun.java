package io.connectionrelay.app;

import io.connectionrelay.core.LogFormat;
import io.connectionrelay.core.Settings;
import io.connectionrelay.ops.RunSummary;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.connectionrelay.deadletter.DeadLetterStore;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --once: for cron and batch schedulers. Runs one cycle of every enabled source, all at once,
 * waits until every record is delivered or dead-lettered, prints a summary, and returns the exit
 * code: 0 when no cycle failed and nothing was dead-lettered, 1 otherwise (also when a failure
 * could not even be written to the store).
 */
public final class OneShotRun {

    private static final Logger LOG = LoggerFactory.getLogger(OneShotRun.class);

    private OneShotRun() {
    }

    public static int runAndExit(Main main) throws Exception {
        main.addOverrideProperty("relay.once", "true");
        main.start();
        try {
            return run(main.getCamelContext());
        } finally {
            main.stop();
        }
    }

    /** Runs the cycle on a started context whose sources were created with relay.once=true. */
    public static int run(CamelContext context) throws InterruptedException {
        Settings settings = new Settings(context);
        RunSummary summary = context.getRegistry().lookupByNameAndType("runSummary", RunSummary.class);
        List<String> sources = context.getRoutes().stream().map(Route::getRouteId)
                .filter(id -> id.startsWith("poll-")).sorted().toList();
        // every source at once, each cycle on its own thread; the idle wait below covers them all
        boolean escaped = false;
        try (ProducerTemplate producer = context.createProducerTemplate()) {
            Map<String, CompletableFuture<Object>> cycles = new LinkedHashMap<>();
            for (String route : sources) {
                LOG.debug("One-shot cycle of source {}", route.substring("poll-".length()));
                cycles.put(route, producer.asyncSendBody("direct:" + route, null));
            }
            for (Map.Entry<String, CompletableFuture<Object>> cycle : cycles.entrySet()) {
                escaped |= !ended(cycle.getKey(), cycle.getValue());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Duration timeout = settings.getDuration("relay.once.timeout");
        boolean idle = awaitIdle(context, timeout);
        print(summary, context, escaped);
        if (!idle) {
            LOG.error("Work was still in flight after {} (relay.once.timeout)", timeout);
            return 1;
        }
        return summary.ok() && !escaped ? 0 : 1;
    }

    /**
     * A source's route counts and dead-letters its own failures; one that still escapes (its
     * failure handling failed too) is reported in one line, so the summary still follows.
     */
    private static boolean ended(String route, CompletableFuture<Object> cycle) {
        try {
            cycle.join();
            return true;
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() instanceof CamelExecutionException failed && failed.getCause() != null
                    ? failed.getCause() : e.getCause() == null ? e : e.getCause();
            LOG.error("The cycle of source {} failed and its failure could not be handled: {}",
                    route.substring("poll-".length()), cause.toString());
            LOG.debug("Stack trace of that failure", cause);
            return false;
        }
    }

    /** Idle: nothing in flight and every SEDA queue empty, twice in a row to cover hand-offs. */
    public static boolean awaitIdle(CamelContext context, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            boolean queuesEmpty = context.getEndpoints().stream()
                    .filter(SedaEndpoint.class::isInstance)
                    .map(SedaEndpoint.class::cast)
                    .allMatch(e -> e.getCurrentQueueSize() == 0);
            quiet = context.getInflightRepository().size() == 0 && queuesEmpty ? quiet + 1 : 0;
            if (quiet >= 2) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static void print(RunSummary summary, CamelContext context, boolean escaped) {
        DeadLetterStore store = context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
        StringBuilder text = new StringBuilder("\n=== connection-relay one-shot summary ===\n");
        text.append("Records polled per source:\n");
        appendCounts(text, summary.polledCounts());
        text.append("Records routed per status and channel:\n");
        appendCounts(text, summary.routedCounts());
        text.append("Deliveries per channel and target:\n");
        appendCounts(text, summary.deliveredCounts());
        text.append("Failed deliveries per channel and target:\n");
        appendCounts(text, summary.failedDeliveryCounts());
        text.append("Failed cycles per source:\n");
        appendCounts(text, summary.failedCycleCounts());
        text.append("Dead-lettered per stage:\n");
        appendCounts(text, summary.deadLetterCounts());
        if (summary.deadLetterCount() > 0) {
            text.append("Dead-letter entries are in ").append(store.location())
                    .append(" (list with --dead-letters, replay with --replay)\n");
        }
        if (summary.deadLettersNotStored() > 0) {
            text.append("Failures NOT stored: the dead-letter store ").append(store.location())
                    .append(" could not be written (see the log), per stage:\n");
            appendCounts(text, summary.deadLettersNotStoredCounts());
        }
        text.append("Result: ").append(summary.ok() && !escaped ? "OK" : "FAILED").append('\n');
        if (LogFormat.JSON.equals(new Settings(context).getString(LogFormat.KEY))) {
            // the console is one JSON object per line then: the summary is one more of them
            LOG.info(text.toString().strip());
        } else {
            System.out.print(text);
            System.out.flush();
        }
    }

    private static void appendCounts(StringBuilder text, Map<String, Long> counts) {
        if (counts.isEmpty()) {
            text.append("  (none)\n");
        }
        counts.forEach((k, v) -> text.append("  ").append(k).append(": ").append(v).append('\n'));
    }
}
