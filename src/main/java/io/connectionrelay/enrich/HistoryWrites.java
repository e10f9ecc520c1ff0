package io.connectionrelay.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.connectionrelay.record.CanonicalStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the connection history on a thread of its own, so a first cycle, where every record is
 * new and inserts a row, does not wait on the database record by record: enrich decides each
 * record's history from what it read and hands the writes over here, a chunk at a time, through a
 * short queue (a full queue holds enrich back). The writer batches each chunk's inserts and
 * updates and commits every few chunks (see {@link #writeUntilStopped}). The cycle's end waits for its writes ({@link #flush}), so the next cycle, the
 * other replicas and the email channel's end-of-cycle queries see them; a write that failed
 * fails that cycle there, with the reason.
 * <p>
 * Another process (a replica) may insert or change a row between enrich's read and this write.
 * Then each write of the group is done on its own against the row as it is now: a row already in
 * the status noted is left alone, any other status becomes the one before, since the time of the
 * observation. The record that went on keeps what enrich read, as it would had the other process
 * written a moment later.
 */
final class HistoryWrites {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryWrites.class);
    private static final String TABLE = SharedConnectionHistory.TABLE;
    private static final String INSERT = "INSERT INTO " + TABLE
            + " (source, connection_id, status, previous_status, status_since) VALUES (?, ?, ?, ?, ?)";
    /** Only if nobody changed it meanwhile. */
    private static final String UPDATE = "UPDATE " + TABLE + " SET status = ?, previous_status = ?, status_since = ?"
            + " WHERE connection_id = ? AND source = ? AND status = ?";
    private static final String CURRENT = "SELECT status FROM " + TABLE + " WHERE connection_id = ? AND source = ?";
    /** Chunks waiting to be written; enrich waits when it is this far ahead. */
    private static final int QUEUED_CHUNKS = 4;
    private static final int TRIES = 3;
    /**
     * A shared database (PostgreSQL) holds a group's row locks until its commit, and replicas wait
     * on them: groups of 20,000 rows or 1 s. Until its commit a group is held here for the reconcile.
     */
    private static final int COMMIT_ROWS = 20_000;
    private static final Duration COMMIT_AFTER = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration RETRY_DELAY = Duration.ofMillis(500);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** Unique-key violation: the same SQLSTATE in H2 and PostgreSQL. */
    private static final String CONFLICT = "23505";

    /**
     * A status to note: first sight (nothing read) or a change from the status read, which the
     * update requires still to be there.
     */
    record Change(String source, String connectionId, CanonicalStatus status, CanonicalStatus read,
            Instant since, Instant observed) {
    }

    /** One chunk's changes, and the cycle that answers for them. */
    private record Chunk(String cycle, List<Change> changes) {
    }

    private final DataSource database;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    /** Why a cycle's writes failed, until its end reads it. */
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    /** Flushes waiting: the open transaction is committed at once. */
    private final AtomicInteger flushing = new AtomicInteger();
    private long handedOver;
    private long settled;
    private volatile boolean running;
    private Thread thread;
    private Connection connection;

    HistoryWrites(DataSource database) {
        this.database = database;
    }

    void start() {
        running = true;
        thread = new Thread(this::writeUntilStopped, "relay-history-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Writes what is queued, then stops. */
    void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        if (!queue.isEmpty()) {
            LOG.error("The connection history writer stopped with {} chunk(s) of writes not done", queue.size());
        }
        failed.forEach((cycle, why) -> LOG.error("Connection history of cycle {} was not written: {}", cycle, why));
        closeConnection();
    }

    /** From enrich: waits while the queue is full. */
    void handOver(String cycle, List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (!running) {
            throw new IllegalStateException("the connection history writer is not running");
        }
        synchronized (progress) {
            handedOver++;
        }
        try {
            queue.put(new Chunk(cycle, changes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            settle(1);
            throw new IllegalStateException("interrupted while handing over connection history writes", e);
        }
    }

    /**
     * Waits until everything handed over so far is written; fails if any write of this cycle
     * could not be made.
     */
    void flush(String cycle) throws InterruptedException {
        flushing.incrementAndGet();
        try {
            synchronized (progress) {
                long target = handedOver;
                while (settled < target) {
                    if (thread == null || !thread.isAlive()) {
                        throw new IllegalStateException("the connection history writer stopped with writes of cycle "
                                + cycle + " not done");
                    }
                    progress.wait(1_000);
                }
            }
        } finally {
            flushing.decrementAndGet();
        }
        String why = failed.remove(cycle);
        if (why != null) {
            throw new IllegalStateException("The connection history of cycle " + cycle + " could not be written, so "
                    + "the next cycle would misjudge those connections' statuses: " + why);
        }
    }

    /**
     * Writes each chunk as it comes but commits a group of them, once it holds COMMIT_ROWS
     * changes, is COMMIT_AFTER old, or a flush waits: a commit per chunk cost more than the inserts.
     */
    private void writeUntilStopped() {
        List<Chunk> open = new ArrayList<>();
        int openRows = 0;
        long openedAt = 0;
        try {
            while (running || !queue.isEmpty() || !open.isEmpty()) {
                Chunk next = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    List<Chunk> group = new ArrayList<>();
                    group.add(next);
                    queue.drainTo(group);
                    if (open.isEmpty()) {
                        openedAt = System.nanoTime();
                    }
                    open.addAll(group);
                    openRows += group.stream().mapToInt(c -> c.changes().size()).sum();
                    if (!writeBatches(group)) {
                        reconcile(open);
                        settle(open);
                        openRows = 0;
                        continue;
                    }
                }
                if (!open.isEmpty() && (openRows >= COMMIT_ROWS || flushing.get() > 0 || !running
                        || System.nanoTime() - openedAt >= COMMIT_AFTER.toNanos())) {
                    if (!commit()) {
                        reconcile(open);
                    }
                    settle(open);
                    openRows = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rollback();
            open.forEach(c -> failed.put(c.cycle(), "the writer was interrupted"));
            settle(open);
        }
    }

    /** The chunks are written (or failed for good): flushes waiting for them may go on. */
    private void settle(List<Chunk> chunks) {
        settle(chunks.size());
        chunks.clear();
    }

    private void settle(int chunks) {
        synchronized (progress) {
            settled += chunks;
            progress.notifyAll();
        }
    }

    /** Into the open transaction, its inserts and updates in a batch each; false (rolled back) if that failed. */
    private boolean writeBatches(List<Chunk> group) {
        try {
            if (connection == null) {
                connection = database.getConnection();
                connection.setAutoCommit(false);
            }
            writeBatches(connection, group);
            return true;
        } catch (SQLException e) {
            abandon(e);
            return false;
        }
    }

    private boolean commit() {
        try {
            connection.commit();
            return true;
        } catch (SQLException e) {
            abandon(e);
            return false;
        }
    }

    /** After a failure: rolled back, and a connection that may be broken closed (not for a conflict). */
    private void abandon(SQLException e) {
        rollback();
        if (!isConflict(e)) {
            closeConnection();
        }
    }

    /**
     * Change by change against the rows as they are now, after a conflict (another process wrote
     * first) or a failure; retried, then the cycles of what could not be written fail at flush.
     */
    private void reconcile(List<Chunk> chunks) throws InterruptedException {
        SQLException last = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try {
                if (connection == null) {
                    connection = database.getConnection();
                    connection.setAutoCommit(false);
                }
                reconcile(connection, chunks);
                connection.commit();
                return;
            } catch (SQLException e) {
                last = e;
                abandon(e);
                if (attempt < TRIES) {
                    Thread.sleep(RETRY_DELAY.toMillis() * attempt);
                }
            }
        }
        Set<String> cycles = new LinkedHashSet<>();
        int changes = 0;
        for (Chunk chunk : chunks) {
            cycles.add(chunk.cycle());
            changes += chunk.changes().size();
        }
        String why = changes + " status change(s) not written after " + TRIES + " tries: " + last.getMessage();
        LOG.error("Connection history of cycle(s) {}: {}", cycles, why);
        cycles.forEach(cycle -> failed.merge(cycle, why, (a, b) -> a));
    }

    private static void writeBatches(Connection connection, List<Chunk> group) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT);
                PreparedStatement update = connection.prepareStatement(UPDATE)) {
            int inserts = 0;
            int updates = 0;
            for (Chunk chunk : group) {
                for (Change change : chunk.changes()) {
                    if (change.read() == null) {
                        setInsert(insert, change.source(), change.connectionId(), change.status(), null, change.since());
                        insert.addBatch();
                        inserts++;
                    } else {
                        setUpdate(update, change, change.read(), change.since());
                        update.addBatch();
                        updates++;
                    }
                }
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
            if (updates > 0) {
                for (int count : update.executeBatch()) {
                    if (count == 0) {
                        throw new SQLException("a row was changed by another process", CONFLICT);
                    }
                }
            }
        }
    }

    /** Each change against the row as it is now, in order, so a connection noted twice in a group ends as the later. */
    private static void reconcile(Connection connection, List<Chunk> group) throws SQLException {
        try (PreparedStatement current = connection.prepareStatement(CURRENT);
                PreparedStatement insert = connection.prepareStatement(INSERT);
                PreparedStatement update = connection.prepareStatement(UPDATE)) {
            for (Chunk chunk : group) {
                for (Change change : chunk.changes()) {
                    current.setString(1, change.connectionId());
                    current.setString(2, change.source());
                    CanonicalStatus now;
                    try (ResultSet row = current.executeQuery()) {
                        now = row.next() ? CanonicalStatus.valueOf(row.getString(1)) : null;
                    }
                    if (now == null) {
                        setInsert(insert, change.source(), change.connectionId(), change.status(), null,
                                change.since());
                        insert.executeUpdate();
                    } else if (now != change.status()) {
                        setUpdate(update, change, now, now == change.read() ? change.since() : change.observed());
                        if (update.executeUpdate() == 0) {
                            throw new SQLException("a row was changed by another process", CONFLICT);
                        }
                    }
                }
            }
        }
    }

    private static void setInsert(PreparedStatement insert, String source, String id, CanonicalStatus status,
            CanonicalStatus previous, Instant since) throws SQLException {
        insert.setString(1, source);
        insert.setString(2, id);
        insert.setString(3, status.name());
        insert.setString(4, previous == null ? null : previous.name());
        insert.setObject(5, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
    }

    private static void setUpdate(PreparedStatement update, Change change, CanonicalStatus from, Instant since)
            throws SQLException {
        update.setString(1, change.status().name());
        update.setString(2, from.name());
        update.setObject(3, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        update.setString(4, change.connectionId());
        update.setString(5, change.source());
        update.setString(6, from.name());
    }

    private void rollback() {
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // a broken connection is closed by the caller
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // going away either way
            }
            connection = null;
        }
    }

    private static boolean isConflict(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (CONFLICT.equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
