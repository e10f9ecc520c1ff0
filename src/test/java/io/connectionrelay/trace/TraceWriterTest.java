package io.connectionrelay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.connectionrelay.core.StateDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writer against a real H2 database: batches, flush on time and on stop, backpressure, counted drops. */
class TraceWriterTest {

    private final JdbcDataSource database = new JdbcDataSource();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private TraceWriter writer;

    TraceWriterTest() {
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        StateDatabase.migrate(database);
    }

    @AfterEach
    void stop() {
        if (writer != null) {
            writer.stop();
        }
    }

    @Test
    void whatIsQueuedIsWrittenWhenTheRelayStops() throws Exception {
        writer = start(new TraceStore(database), 10_000, 1_000, Duration.ofHours(1), Duration.ofSeconds(5));
        for (int i = 0; i < 2_500; i++) {
            writer.record(event("c-" + i));
        }
        writer.stop();
        writer = null;
        assertThat(rows()).isEqualTo(2_500);
        assertThat(meters.counter("relay.trace.events").count()).isEqualTo(2_500);
    }

    @Test
    void aPartBatchIsWrittenAfterTheFlushInterval() throws Exception {
        writer = start(new TraceStore(database), 100, 1_000, Duration.ofMillis(100), Duration.ofSeconds(5));
        writer.record(event("c-1"));
        writer.record(event("c-2"));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (rows() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void aReaderWaitingForTheTraceHasThePartBatchWrittenAtOnce() throws Exception {
        writer = start(new TraceStore(database), 100, 1_000, Duration.ofHours(1), Duration.ofSeconds(5));
        writer.record(event("c-1"));
        writer.record(event("c-2"));
        assertThat(writer.awaitWritten(Duration.ofSeconds(5))).as("written long before the hour").isTrue();
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void aFullQueueHoldsTheRecordBackUntilThereIsRoomAndLosesNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        writer = start(new SlowStore(database, release), 2, 1, Duration.ofMillis(10), Duration.ofSeconds(30));
        writer.record(event("c-1"));
        Thread.sleep(200); // the writer took c-1 and waits in the database
        writer.record(event("c-2"));
        writer.record(event("c-3"));
        Thread producer = new Thread(() -> writer.record(event("c-4")));
        producer.start();
        producer.join(300);
        assertThat(producer.isAlive()).as("the record waits for room").isTrue();

        release.countDown();
        producer.join(5_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(writer.awaitWritten(Duration.ofSeconds(5))).isTrue();
        assertThat(rows()).isEqualTo(4);
        assertThat(meters.counter("relay.trace.queue.full").count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.counter("relay.trace.dropped").count()).isZero();
    }

    @Test
    void anEventThatFindsNoRoomInTimeIsDroppedAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        writer = start(new SlowStore(database, release), 2, 1, Duration.ofMillis(10), Duration.ofMillis(50));
        writer.record(event("c-1"));
        Thread.sleep(200);
        for (int i = 2; i <= 6; i++) {
            writer.record(event("c-" + i));
        }
        assertThat(meters.counter("relay.trace.dropped").count()).isEqualTo(3);
        release.countDown();
        assertThat(writer.awaitWritten(Duration.ofSeconds(5))).isTrue();
        assertThat(rows()).isEqualTo(3);
    }

    @Test
    void aBatchTheDatabaseRefusesIsRetriedUntilItIsWritten() throws Exception {
        AtomicInteger refusals = new AtomicInteger(2);
        TraceStore refusing = new TraceStore(database) {
            @Override
            public void insert(List<? extends TraceItem> events) throws SQLException {
                if (refusals.getAndDecrement() > 0) {
                    throw new SQLException("connection refused");
                }
                super.insert(events);
            }
        };
        writer = start(refusing, 100, 10, Duration.ofMillis(10), Duration.ofSeconds(5));
        writer.record(event("c-1"));
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(rows()).isEqualTo(1);
        assertThat(meters.counter("relay.trace.dropped").count()).isZero();
    }

    private TraceWriter start(TraceStore store, int queueSize, int batchSize, Duration flush, Duration fullQueueWait) {
        TraceWriter started = new TraceWriter(store, queueSize, batchSize, flush, fullQueueWait, meters);
        started.start();
        return started;
    }

    private static TraceEvent event(String connectionId) {
        return new TraceEvent(Instant.now(), connectionId, "crux-a", "cycle-1", "poll", "polled",
                TraceEvent.details("vendorStatus", "ACTIVE"));
    }

    private long rows() throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM relay_trace")) {
            count.next();
            return count.getLong(1);
        }
    }

    /** A database that takes its time: each insert waits until the test releases it. */
    private static final class SlowStore extends TraceStore {

        private final CountDownLatch release;

        SlowStore(JdbcDataSource database, CountDownLatch release) {
            super(database);
            this.release = release;
        }

        @Override
        public void insert(List<? extends TraceItem> events) throws SQLException {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.insert(events);
        }
    }
}
