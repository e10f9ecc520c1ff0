package io.connectionrelay.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes trace events off the pipeline's threads: records enqueue them in a bounded queue
 * (relay.trace.queue-size) and one thread writes them in JDBC batches of relay.trace.batch-size,
 * or whatever has arrived after relay.trace.flush-interval.
 * <p>
 * When the writer falls behind and the queue is full, a record waits for room (up to
 * relay.trace.full-queue-wait): slowing the pipeline down is better than a trace with holes. Only
 * when that wait runs out, or while the state database refuses the writes, is an event dropped;
 * each drop is counted (relay_trace_dropped_total) and the first one of a run is logged. A batch
 * the database refuses is retried until it is written or the relay stops. On stop, what is queued
 * is written first.
 */
public class TraceWriter implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(TraceWriter.class);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final Duration PAUSE = Duration.ofMillis(10);

    private final TraceStore store;
    private final BlockingQueue<TraceEvent> queue;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration fullQueueWait;
    private final Counter written;
    private final Counter dropped;
    private final Counter queueFull;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private volatile boolean databaseRefuses;
    private volatile boolean running;
    private Thread thread;

    public TraceWriter(TraceStore store, int queueSize, int batchSize, Duration flushInterval, Duration fullQueueWait,
            MeterRegistry meters) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.fullQueueWait = fullQueueWait;
        this.written = Counter.builder("relay.trace.events").description("trace events written to the state database")
                .register(meters);
        this.dropped = Counter.builder("relay.trace.dropped")
                .description("trace events lost: the queue stayed full, or the state database refused them")
                .register(meters);
        this.queueFull = Counter.builder("relay.trace.queue.full")
                .description("times a record waited for room in the full trace queue").register(meters);
        Gauge.builder("relay.trace.queue.size", queue, BlockingQueue::size)
                .description("trace events waiting to be written").register(meters);
    }

    /** From any pipeline thread. */
    public void record(TraceEvent event) {
        enqueued.incrementAndGet();
        if (running && queue.offer(event)) {
            return;
        }
        if (running && !databaseRefuses) {
            queueFull.increment();
            try {
                if (queue.offer(event, fullQueueWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drop(1, running ? "the trace queue stayed full for " + fullQueueWait + " (relay.trace.full-queue-wait)"
                : "the trace writer is not running");
    }

    /** Waits until every event recorded before this call is written (or dropped); false on timeout. */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (settled.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::writeUntilStopped, "relay-trace-writer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread == null) {
            return;
        }
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<TraceEvent> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            drop(left.size(), "the relay stopped before the state database took them");
        }
        thread = null;
    }

    /**
     * Collects a batch by draining the queue every PAUSE rather than waiting on it: a writer that
     * waits for each event makes every record's enqueue wake a thread, which on a busy machine
     * cost more than the inserts themselves.
     */
    private void writeUntilStopped() {
        List<TraceEvent> batch = new ArrayList<>(batchSize);
        long firstTaken = 0;
        try {
            while (running || !queue.isEmpty() || !batch.isEmpty()) {
                queue.drainTo(batch, batchSize - batch.size());
                if (batch.isEmpty()) {
                    Thread.sleep(PAUSE.toMillis());
                    continue;
                }
                if (firstTaken == 0) {
                    firstTaken = System.nanoTime();
                }
                if (batch.size() >= batchSize || System.nanoTime() - firstTaken >= flushInterval.toNanos() || !running) {
                    write(batch);
                    batch.clear();
                    firstTaken = 0;
                } else {
                    Thread.sleep(PAUSE.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(batch.size(), "the trace writer was interrupted");
        }
    }

    /** Retries a refused batch until it is written or the relay stops. */
    private void write(List<TraceEvent> batch) throws InterruptedException {
        while (true) {
            try {
                store.insert(batch);
                written.increment(batch.size());
                settled.addAndGet(batch.size());
                if (databaseRefuses) {
                    databaseRefuses = false;
                    LOG.info("Trace events are written to the state database again");
                }
                return;
            } catch (Exception e) {
                if (!databaseRefuses) {
                    databaseRefuses = true;
                    LOG.warn("The state database refused {} trace event(s); retrying every {} (events that find the "
                            + "queue full meanwhile are dropped): {}", batch.size(), RETRY_DELAY, e.getMessage());
                }
                if (!running) {
                    drop(batch.size(), "the relay stopped while the state database refused them");
                    return;
                }
                Thread.sleep(RETRY_DELAY.toMillis());
            }
        }
    }

    private void drop(int events, String why) {
        if (events == 0) {
            return;
        }
        dropped.increment(events);
        settled.addAndGet(events);
        if (!dropLogged.getAndSet(true)) {
            LOG.warn("Dropped {} trace event(s): {}. Further drops are only counted in relay_trace_dropped_total",
                    events, why);
        }
    }
}
