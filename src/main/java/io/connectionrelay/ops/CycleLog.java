package io.connectionrelay.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * What an operator reads about poll cycles: one line when a cycle ends (source, records, records
 * routed per channel, the CSV it published, duration, outcome; WARN when it failed), and a
 * progress line every relay.log.progress-interval while a cycle that has routed records is still
 * running. The lines carry the source and cycle id in the MDC (the JSON log format shows them).
 */
public class CycleLog extends ServiceSupport {

    static final String PROGRESS_INTERVAL = "relay.log.progress-interval";
    private static final Logger LOG = LoggerFactory.getLogger(CycleLog.class);

    private final CamelContext context;
    private final Duration progressInterval;
    /** Cycles that have routed a record and not ended yet, by cycle id. */
    private final Map<String, Tally> running = new ConcurrentHashMap<>();
    private ScheduledExecutorService progress;

    private static final class Tally {
        final String source;
        final Instant started;
        final LongAdder records = new LongAdder();
        final Map<String, LongAdder> routed = new ConcurrentSkipListMap<>();
        volatile String publishedCsv;
        /** Only the progress thread reads and writes it. */
        Instant lastReported;
        /** Set, under the tally's lock, before the cycle's last line: no progress line follows it. */
        boolean ended;

        Tally(String source, Instant started) {
            this.source = source;
            this.started = started;
            this.lastReported = started;
        }

        /** "50 records routed (csv 33, webhook 43)": a record routed to two channels counts in both. */
        String routing() {
            long count = records.sum();
            if (count == 0) {
                return "no record routed";
            }
            return count + (count == 1 ? " record" : " records") + " routed (" + routed.entrySet().stream()
                    .map(e -> (e.getKey().equals(RelayMetrics.NO_CHANNEL) ? "nowhere" : e.getKey()) + " "
                            + e.getValue().sum())
                    .collect(Collectors.joining(", ")) + ")";
        }
    }

    public CycleLog(CamelContext context, Settings settings) {
        this.context = context;
        // SettingsSchema has checked it: a duration, 0s for no progress lines
        this.progressInterval = settings.getDuration(PROGRESS_INTERVAL);
    }

    /** A chunk of the cycle was routed: this many records, and this many to each channel (or NO_CHANNEL). */
    public void routed(CycleContext cycle, long records, Map<String, Long> perChannel) {
        Tally tally = running.computeIfAbsent(cycle.id(), c -> new Tally(cycle.source(), cycle.started()));
        tally.records.add(records);
        perChannel.forEach((channel, count) -> tally.routed.computeIfAbsent(channel, c -> new LongAdder()).add(count));
    }

    /** The csv channel published the cycle's file (header CamelFileName). */
    public void published(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        Tally tally = cycle == null ? null : running.get(cycle.id());
        if (tally != null) {
            tally.publishedCsv = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        }
    }

    public void succeeded(Exchange exchange) {
        Tally tally = end(exchange);
        log(Level.INFO, exchange, "Cycle of {} succeeded in {}: {} polled, {}{}", tally.source,
                seconds(elapsed(exchange, tally)), elements(exchange),
                tally.routing(), tally.publishedCsv == null ? "" : ", published " + tally.publishedCsv);
    }

    public void failed(Exchange exchange) {
        Tally tally = end(exchange);
        log(Level.WARN, exchange, "Cycle of {} FAILED after {}: {} before it failed; the dead letters say why "
                + "(--dead-letters)", tally.source, seconds(elapsed(exchange, tally)), tally.routing());
    }

    @Override
    protected void doStart() {
        if (!progressInterval.isZero()) {
            // a tick well inside the interval, so a cycle is reported close to every interval of its own age
            long tick = Math.max(10, Math.min(1000, progressInterval.toMillis() / 4));
            progress = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "cycle-progress");
            progress.scheduleWithFixedDelay(this::logProgress, tick, tick, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doStop() {
        if (progress != null) {
            context.getExecutorServiceManager().shutdown(progress);
            progress = null;
        }
        running.clear();
    }

    private void logProgress() {
        Instant now = Instant.now();
        running.forEach((cycle, tally) -> {
            synchronized (tally) {
                if (!tally.ended && Duration.between(tally.lastReported, now).compareTo(progressInterval) >= 0) {
                    tally.lastReported = now;
                    log(Level.INFO, tally.source, cycle, "Cycle of {} running for {}: {} so far", tally.source,
                            seconds(Duration.between(tally.started, now)), tally.routing());
                }
            }
        });
    }

    private Tally end(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        Tally tally = cycle == null ? null : running.remove(cycle.id());
        if (tally == null) {
            return new Tally(source(exchange), startOf(exchange));
        }
        // a progress line the progress thread is writing goes out before the cycle's last one
        synchronized (tally) {
            tally.ended = true;
        }
        return tally;
    }

    private static void log(Level level, Exchange exchange, String format, Object... arguments) {
        CycleContext cycle = CycleContext.find(exchange);
        log(level, source(exchange), cycle == null ? "unknown" : cycle.id(), format, arguments);
    }

    private static void log(Level level, String source, String cycle, String format, Object... arguments) {
        try (var s = MDC.putCloseable("source", source); var c = MDC.putCloseable("cycle", cycle)) {
            LOG.atLevel(level).log(format, arguments);
        }
    }

    private static String source(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        return cycle == null ? "unknown" : cycle.source();
    }

    private static Instant startOf(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        return cycle == null ? Instant.now() : cycle.started();
    }

    private static long elements(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        return cycle == null ? 0 : cycle.elements();
    }

    private static Duration elapsed(Exchange exchange, Tally tally) {
        return Duration.between(startOf(exchange), Instant.now());
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
