package io.connectionrelay.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.connectionrelay.enrich.HistoryWrites.Change;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import org.apache.camel.Service;

/**
 * Each connection's canonical status and since when it has had it, in the relay's state database
 * (table relay_connection_history, keyed by connection id and source), so a record can say what
 * its status was before and how long it has been in this one. No vendor says either.
 * <p>
 * First sight: the status dates from the vendor's own date for it (deactivated, active or created)
 * when there is one, else from now. A changed status dates from now and remembers the old one.
 * <p>
 * Records come a chunk at a time: one SELECT reads the chunk's rows on the caller's thread, and
 * what changed is written by {@link HistoryWrites} on its own, so enrich does not wait for the
 * inserts of a first cycle. A cycle's end calls {@link #flush} before anything reads the table
 * again. Reads need not see writes still queued: a connection comes once per cycle (repeats are
 * dropped before enrich), and a source's next cycle starts after this one's end. The read
 * connection is kept, shared under a lock; a broken one is opened again on the next chunk.
 */
public class ConnectionHistory implements Service {

    static final String TABLE = "relay_connection_history";
    /**
     * By connection id alone, the key's first column (V9), the source checked on the rows: an IN
     * list on the key's second column would have H2 scan every row of the source.
     */
    private static final String SELECT = "SELECT source, connection_id, status, previous_status, status_since FROM "
            + TABLE + " WHERE connection_id IN (%s)";
    private static final int TRIES = 3;

    /** The status's story so far: what it was before (null if never seen otherwise) and since when it is what it is. */
    public record StatusHistory(CanonicalStatus previous, Instant since) {
    }

    private final DataSource database;
    private final HistoryWrites writes;
    private Connection reads;

    /** What the table says of one connection, as the chunk is worked through. */
    private record Known(CanonicalStatus status, CanonicalStatus previous, Instant since) {
    }

    public ConnectionHistory(DataSource database) {
        this.database = database;
        this.writes = new HistoryWrites(database);
    }

    /**
     * Notes each record's current status and returns its history, in the chunk's order; the
     * writes are handed over, to be done by the time {@link #flush} of this cycle returns.
     */
    public List<StatusHistory> observe(String cycle, List<ConnectionRecord> chunk, Instant now) {
        if (chunk.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, Known>> known = read(chunk);
        List<StatusHistory> histories = new ArrayList<>(chunk.size());
        List<Change> changes = new ArrayList<>();
        for (ConnectionRecord record : chunk) {
            Map<String, Known> rows = known.get(record.source());
            Known row = rows.get(record.connectionId());
            CanonicalStatus status = record.status();
            if (row == null) {
                Instant first = vendorDate(record, now);
                changes.add(new Change(record.source(), record.connectionId(), status, null, first, now));
                rows.put(record.connectionId(), new Known(status, null, first));
                histories.add(new StatusHistory(null, first));
            } else if (row.status() == status) {
                histories.add(new StatusHistory(row.previous(), row.since()));
            } else {
                changes.add(new Change(record.source(), record.connectionId(), status, row.status(), now, now));
                rows.put(record.connectionId(), new Known(status, row.status(), now));
                histories.add(new StatusHistory(row.status(), now));
            }
        }
        writes.handOver(cycle, changes);
        return histories;
    }

    /** Waits until the writes handed over so far are done; fails if one of this cycle's could not be made. */
    public void flush(String cycle) throws InterruptedException {
        writes.flush(cycle);
    }

    @Override
    public void start() {
        writes.start();
    }

    @Override
    public void stop() {
        writes.stop();
        synchronized (this) {
            closeReads();
        }
    }

    private synchronized Map<String, Map<String, Known>> read(List<ConnectionRecord> chunk) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (reads == null) {
                    reads = database.getConnection();
                    reads.setAutoCommit(true);
                }
                Map<String, Map<String, Known>> known = new HashMap<>();
                for (Map.Entry<String, List<String>> source : idsBySource(chunk).entrySet()) {
                    known.put(source.getKey(), read(reads, source.getKey(), source.getValue()));
                }
                return known;
            } catch (SQLException e) {
                // the connection may be what failed: the next try, or the next chunk, opens another
                closeReads();
                if (attempt == TRIES) {
                    throw new IllegalStateException("Connection history for " + chunk.size() + " record(s) of "
                            + chunk.get(0).source() + " could not be read: " + e.getMessage(), e);
                }
            }
        }
    }

    private void closeReads() {
        if (reads != null) {
            try {
                reads.close();
            } catch (SQLException ignored) {
                // going away either way
            }
            reads = null;
        }
    }

    private static Map<String, List<String>> idsBySource(List<ConnectionRecord> chunk) {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        chunk.forEach(r -> ids.computeIfAbsent(r.source(), s -> new LinkedHashSet<>()).add(r.connectionId()));
        Map<String, List<String>> lists = new LinkedHashMap<>();
        ids.forEach((source, set) -> lists.put(source, List.copyOf(set)));
        return lists;
    }

    private static Map<String, Known> read(Connection connection, String source, List<String> ids) throws SQLException {
        Map<String, Known> rows = new HashMap<>();
        String placeholders = String.join(",", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement select = connection.prepareStatement(SELECT.formatted(placeholders))) {
            for (int i = 0; i < ids.size(); i++) {
                select.setString(i + 1, ids.get(i));
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (!source.equals(row.getString(1))) {
                        continue;
                    }
                    String previous = row.getString(4);
                    rows.put(row.getString(2), new Known(CanonicalStatus.valueOf(row.getString(3)),
                            previous == null ? null : CanonicalStatus.valueOf(previous),
                            row.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return rows;
    }

    /** The vendor's own date for the current status, never later than now. */
    static Instant vendorDate(ConnectionRecord record, Instant now) {
        Instant date = switch (record.status()) {
            case INACTIVE -> record.deactivatedAt();
            case ACTIVE -> record.activeAt() != null ? record.activeAt() : record.createdAt();
            case PENDING -> record.createdAt();
        };
        return date == null || date.isAfter(now) ? now : date;
    }
}
