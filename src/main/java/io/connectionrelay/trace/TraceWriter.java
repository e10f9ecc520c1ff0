package io.connectionrelay.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes trace events off the pipeline's threads: records enqueue them in a queue bounded to
 * relay.trace.queue-size events (a chunk's route events count as many as it has records) and one
 * thread writes them in JDBC batches of about relay.trace.batch-size events, or whatever has
 * arrived after relay.trace.flush-interval.
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
    private final BlockingQueue<TraceItem> queue = new LinkedBlockingQueue<>();
    /** The queue's bound, in events: taken by a record, given back when the writer takes it off the queue. */
    private final Semaphore room;
    private final int queueSize;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration fullQueueWait;
    private final Counter written;
    private final Counter dropped;
    private final Counter queueFull;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    /** Readers waiting for what was recorded so far: the part batch goes at once rather than after the interval. */
    private final AtomicInteger awaiting = new AtomicInteger();
    private volatile boolean databaseRefuses;
    private volatile boolean running;
    private Thread thread;

    public TraceWriter(TraceStore store, int queueSize, int batchSize, Duration flushInterval, Duration fullQueueWait,
            MeterRegistry meters) {
        this.store = store;
        this.room = new Semaphore(queueSize);
        this.queueSize = queueSize;
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
        Gauge.builder("relay.trace.queue.size", room, r -> queueSize - r.availablePermits())
                .description("trace events waiting to be written").register(meters);
    }

    /** From any pipeline thread. */
    public void record(TraceItem item) {
        enqueued.incrementAndGet();
        int weight = room(item);
        if (running && room.tryAcquire(weight)) {
            queue.add(item);
            return;
        }
        if (running && !databaseRefuses) {
            queueFull.increment();
            try {
                if (room.tryAcquire(weight, fullQueueWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    queue.add(item);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drop(List.of(item), false, running
                ? "the trace queue stayed full for " + fullQueueWait + " (relay.trace.full-queue-wait)"
                : "the trace writer is not running");
    }

    /** Waits until every event recorded before this call is written (or dropped); false on timeout. */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        awaiting.incrementAndGet();
        try {
            while (settled.get() < target) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        } finally {
            awaiting.decrementAndGet();
        }
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
        List<TraceItem> left = new ArrayList<>();
        queue.drainTo(left);
        drop(left, true, "the relay stopped before the state database took them");
        thread = null;
    }

    /**
     * Collects a batch by draining the queue every PAUSE rather than waiting on it: a writer that
     * waits for each event makes every record's enqueue wake a thread, which on a busy machine
     * cost more than the inserts themselves.
     */
    private void writeUntilStopped() {
        List<TraceItem> batch = new ArrayList<>();
        int events = 0;
        long firstTaken = 0;
        try {
            while (running || !queue.isEmpty() || !batch.isEmpty()) {
                TraceItem item;
                while (events < batchSize && (item = queue.poll()) != null) {
                    room.release(room(item));
                    batch.add(item);
                    events += item.events();
                }
                if (batch.isEmpty()) {
                    Thread.sleep(PAUSE.toMillis());
                    continue;
                }
                if (firstTaken == 0) {
                    firstTaken = System.nanoTime();
                }
                if (events >= batchSize || System.nanoTime() - firstTaken >= flushInterval.toNanos() || !running
                        || awaiting.get() > 0) {
                    write(batch);
                    batch.clear();
                    events = 0;
                    firstTaken = 0;
                } else {
                    Thread.sleep(PAUSE.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(batch, false, "the trace writer was interrupted");
        }
    }

    /** Retries a refused batch until it is written or the relay stops. */
    private void write(List<TraceItem> batch) throws InterruptedException {
        while (true) {
            try {
                store.insert(batch);
                int events = events(batch);
                written.increment(events);
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
                            + "queue full meanwhile are dropped): {}", events(batch), RETRY_DELAY, e.getMessage());
                }
                if (!running) {
                    drop(batch, false, "the relay stopped while the state database refused them");
                    return;
                }
                Thread.sleep(RETRY_DELAY.toMillis());
            }
        }
    }

    /** @param queued whether the items are still in the queue, holding room to give back */
    private void drop(List<TraceItem> items, boolean queued, String why) {
        if (items.isEmpty()) {
            return;
        }
        int events = events(items);
        dropped.increment(events);
        if (queued) {
            room.release(items.stream().mapToInt(this::room).sum());
        }
        settled.addAndGet(items.size());
        if (!dropLogged.getAndSet(true)) {
            LOG.warn("Dropped {} trace event(s): {}. Further drops are only counted in relay_trace_dropped_total",
                    events, why);
        }
    }

    /** A chunk larger than the whole queue waits for the whole queue, not forever. */
    private int room(TraceItem item) {
        return Math.min(item.events(), queueSize);
    }

    private static int events(List<TraceItem> items) {
        return items.stream().mapToInt(TraceItem::events).sum();
    }
}
