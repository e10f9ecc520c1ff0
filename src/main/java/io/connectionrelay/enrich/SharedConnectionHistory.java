package io.connectionrelay.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
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

/**
 * The connection history in the state database's table relay_connection_history (keyed by
 * connection id and source), for a state database that several processes share: replicas read
 * and write the same rows.
 * <p>
 * One SELECT reads a chunk's rows on the caller's thread, and what changed is written by
 * {@link HistoryWrites} on its own, so enrich does not wait for the inserts of a first cycle.
 * Reads need not see writes still queued: a connection comes once per cycle (repeats are dropped
 * before enrich), and a source's next cycle starts after this one's end. The read connection is
 * kept, shared under a lock; a broken one is opened again on the next chunk.
 */
public class SharedConnectionHistory implements ConnectionHistory {

    static final String TABLE = "relay_connection_history";
    /**
     * By connection id alone, the key's first column (V9), the source checked on the rows: an IN
     * list on the key's second column would have H2 scan every row of the source.
     */
    static final String SELECT_ROWS = "SELECT source, connection_id, status, previous_status, status_since FROM "
            + TABLE;
    private static final String SELECT = SELECT_ROWS + " WHERE connection_id IN (%s)";
    private static final int TRIES = 3;
    /** Ids per SELECT when the email channel asks for statuses. */
    private static final int LOOKUP_BATCH = 500;

    private final DataSource database;
    private final HistoryWrites writes;
    private Connection reads;

    public SharedConnectionHistory(DataSource database) {
        this.database = database;
        this.writes = new HistoryWrites(database);
    }

    @Override
    public List<StatusHistory> observe(String cycle, List<ConnectionRecord> chunk, Instant now) {
        if (chunk.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, KnownStatus>> known = read(chunk);
        List<StatusHistory> histories = new ArrayList<>(chunk.size());
        List<Change> changes = new ArrayList<>();
        for (ConnectionRecord record : chunk) {
            Map<String, KnownStatus> rows = known.get(record.source());
            KnownStatus row = rows.get(record.connectionId());
            KnownStatus next = row == null ? KnownStatus.firstSight(record, now) : row.seen(record.status(), now);
            if (next != row) {
                changes.add(new Change(record.source(), record.connectionId(), next.status(),
                        row == null ? null : row.status(), next.since(), now));
                rows.put(record.connectionId(), next);
            }
            histories.add(next.history());
        }
        writes.handOver(cycle, changes);
        return histories;
    }

    @Override
    public Map<String, CanonicalStatus> current(String source, Collection<String> connectionIds) {
        Map<String, CanonicalStatus> statuses = new HashMap<>();
        List<String> ids = List.copyOf(connectionIds);
        for (int from = 0; from < ids.size(); from += LOOKUP_BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + LOOKUP_BATCH));
            try (Connection connection = database.getConnection()) {
                read(connection, source, batch).forEach((id, row) -> statuses.put(id, row.status()));
            } catch (SQLException e) {
                throw new IllegalStateException("The connection history of " + source + " could not be read: "
                        + e.getMessage(), e);
            }
        }
        return statuses;
    }

    @Override
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

    private synchronized Map<String, Map<String, KnownStatus>> read(List<ConnectionRecord> chunk) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (reads == null) {
                    reads = database.getConnection();
                    reads.setAutoCommit(true);
                }
                Map<String, Map<String, KnownStatus>> known = new HashMap<>();
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

    private static Map<String, KnownStatus> read(Connection connection, String source, List<String> ids) throws SQLException {
        Map<String, KnownStatus> rows = new HashMap<>();
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
                    rows.put(row.getString(2), known(row));
                }
            }
        }
        return rows;
    }

    /** The status columns of a row of {@link #SELECT_ROWS}. */
    static KnownStatus known(ResultSet row) throws SQLException {
        String previous = row.getString(4);
        return new KnownStatus(CanonicalStatus.valueOf(row.getString(3)),
                previous == null ? null : CanonicalStatus.valueOf(previous),
                row.getObject(5, OffsetDateTime.class).toInstant());
    }
}
