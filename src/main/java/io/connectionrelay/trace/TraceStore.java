package io.connectionrelay.trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Table relay_trace in the state database: one row per event, or per chunk's route events
 * ({@link RoutedChunk}, column entries); written in JDBC batches, read one connection at a time,
 * pruned in bounded deletes. Created by the Flyway migrations V6__connection_trace.sql and
 * V10__trace_routes_per_chunk.sql.
 */
public class TraceStore {

    static final String TABLE = "relay_trace";
    /** A chunk's row is split when its entries grow past this (H2 keeps at most 1,000,000 characters in a value). */
    static final int ROUTES_ROW_LIMIT = 200_000;
    /** Longer details (a long error text) are cut: the dead-letter entry holds the whole story. */
    static final int DETAIL_LIMIT = 4000;

    private static final String COLUMNS = "id, at, connection_id, source, cycle_id, step, outcome, detail";
    private static final String INSERT = "INSERT INTO " + TABLE
            + " (at, connection_id, source, cycle_id, step, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String OF_CONNECTION = "SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE connection_id = ? ORDER BY at DESC, id DESC LIMIT ?";
    private static final String CYCLE_EVENTS = "SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE connection_id IS NULL AND entries IS NULL AND source = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?";
    private static final String INSERT_ROUTES = "INSERT INTO " + TABLE
            + " (at, source, cycle_id, step, outcome, entries) VALUES (?, ?, ?, 'route', 'chunk', ?)";
    /** Newest first, stopping at the limit: a connection routed every cycle is found in the last few cycles' rows. */
    private static final String ROUTES_OF_CONNECTION = "SELECT id, at, source, cycle_id, entries FROM " + TABLE
            + " WHERE entries IS NOT NULL AND POSITION(? IN entries) > 0 ORDER BY id DESC LIMIT ?";
    private static final String OLDEST = "SELECT MIN(id) FROM " + TABLE;
    /** One id range at a time, so a prune never holds a long lock. */
    private static final String PRUNE = "DELETE FROM " + TABLE + " WHERE id >= ? AND id < ? AND at < ?";
    private static final TypeReference<List<List<String>>> ENTRIES = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, Object>> DETAIL = new TypeReference<>() {
    };

    private final DataSource database;
    private final ObjectMapper json = new ObjectMapper();

    public TraceStore(DataSource database) {
        this.database = database;
    }

    /** One batch, one transaction; rows get their ids in the items' order, which breaks ties of time. */
    public void insert(List<? extends TraceItem> items) throws SQLException {
        try (Connection connection = database.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement events = connection.prepareStatement(INSERT);
                    PreparedStatement routes = connection.prepareStatement(INSERT_ROUTES)) {
                PreparedStatement pending = null;
                for (TraceItem item : items) {
                    PreparedStatement statement = item instanceof RoutedChunk ? routes : events;
                    if (pending != null && pending != statement) {
                        pending.executeBatch();
                    }
                    pending = statement;
                    if (item instanceof RoutedChunk chunk) {
                        addRoutes(routes, chunk);
                    } else {
                        addEvent(events, (TraceEvent) item);
                    }
                }
                if (pending != null) {
                    pending.executeBatch();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private void addEvent(PreparedStatement insert, TraceEvent event) throws SQLException {
        insert.setObject(1, OffsetDateTime.ofInstant(event.at(), ZoneOffset.UTC));
        insert.setString(2, event.connectionId());
        insert.setString(3, event.source());
        insert.setString(4, event.cycle());
        insert.setString(5, event.step());
        insert.setString(6, event.outcome());
        String detail = detailText(event.detail());
        if (detail == null) {
            insert.setNull(7, Types.VARCHAR);
        } else {
            insert.setString(7, detail);
        }
        insert.addBatch();
    }

    /**
     * A connection's events, newest first, at most limit of them, together with what concerned
     * the whole of a cycle it was in on a channel it was routed to (the CSV file its row went
     * into, published or dead-lettered) and every failed poll of its sources over that time: a
     * poll that failed is why a connection has no event for that cycle.
     */
    public List<TraceEvent> history(String connectionId, int limit) throws SQLException {
        try (Connection connection = database.getConnection()) {
            List<Row> found = query(connection, OF_CONNECTION, s -> {
                s.setString(1, connectionId);
                s.setInt(2, limit);
            });
            found.addAll(routes(connection, connectionId, limit));
            if (found.isEmpty()) {
                return List.of();
            }
            found.sort(NEWEST_FIRST);
            List<Row> own = found.subList(0, Math.min(limit, found.size()));
            Map<String, Set<String>> stepsPerCycle = new HashMap<>();
            Set<String> sources = new HashSet<>();
            for (Row row : own) {
                Set<String> steps = stepsPerCycle.computeIfAbsent(row.event().cycle(), c -> new HashSet<>());
                steps.add(row.event().step());
                Object channels = row.event().detail().get("channels");
                if (channels != null) {
                    steps.addAll(List.of(channels.toString().split(",")));
                }
                sources.add(row.event().source());
            }
            List<Row> all = new ArrayList<>(own);
            for (String source : sources) {
                for (Row cycleRow : query(connection, CYCLE_EVENTS, s -> {
                    s.setString(1, source);
                    s.setObject(2, OffsetDateTime.ofInstant(own.get(own.size() - 1).event().at(), ZoneOffset.UTC));
                    s.setInt(3, limit);
                })) {
                    String step = cycleRow.event().step();
                    if ("poll".equals(step) || stepsPerCycle.getOrDefault(cycleRow.event().cycle(), Set.of())
                            .contains(step)) {
                        all.add(cycleRow);
                    }
                }
            }
            all.sort(NEWEST_FIRST);
            return all.stream().limit(limit).map(Row::event).toList();
        }
    }

    /**
     * Deletes events older than the cutoff, batch ids at a time, oldest first. Ids grow with time
     * (each process writes in the order it records), so the oldest events have the lowest ids and
     * the primary key finds them: an index on the time column would cost every insert to save the
     * hourly prune. It stops at the first id range holding nothing old enough.
     */
    public long prune(Instant cutoff, int batch) throws SQLException {
        long deleted = 0;
        try (Connection connection = database.getConnection();
                PreparedStatement oldest = connection.prepareStatement(OLDEST);
                PreparedStatement prune = connection.prepareStatement(PRUNE)) {
            connection.setAutoCommit(true);
            prune.setObject(3, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            while (true) {
                long from;
                try (ResultSet row = oldest.executeQuery()) {
                    row.next();
                    from = row.getLong(1);
                    if (row.wasNull()) {
                        return deleted;
                    }
                }
                prune.setLong(1, from);
                prune.setLong(2, from + batch);
                int rows = prune.executeUpdate();
                if (rows == 0) {
                    return deleted;
                }
                deleted += rows;
            }
        }
    }

    /** The id breaks ties: events of one millisecond keep the order they were recorded in. */
    private record Row(long id, TraceEvent event) {
    }

    private static final Comparator<Row> NEWEST_FIRST = Comparator.<Row, Instant>comparing(r -> r.event().at())
            .thenComparingLong(Row::id).reversed();

    /** Adds the chunk's row, or rows when its entries are long. */
    private void addRoutes(PreparedStatement insert, RoutedChunk chunk) throws SQLException {
        if (chunk.records().isEmpty()) {
            return;
        }
        String entries = entriesText(chunk.records());
        if (entries.length() > ROUTES_ROW_LIMIT && chunk.records().size() > 1) {
            int half = chunk.records().size() / 2;
            addRoutes(insert, new RoutedChunk(chunk.at(), chunk.source(), chunk.cycle(),
                    chunk.records().subList(0, half)));
            addRoutes(insert, new RoutedChunk(chunk.at(), chunk.source(), chunk.cycle(),
                    chunk.records().subList(half, chunk.records().size())));
            return;
        }
        insert.setObject(1, OffsetDateTime.ofInstant(chunk.at(), ZoneOffset.UTC));
        insert.setString(2, chunk.source());
        insert.setString(3, chunk.cycle());
        insert.setString(4, entries);
        insert.addBatch();
    }

    private String entriesText(List<RoutedChunk.Routed> records) {
        List<List<String>> entries = new ArrayList<>(records.size());
        for (RoutedChunk.Routed r : records) {
            entries.add(Arrays.asList(r.connectionId(), r.vendorStatus(), r.status(), r.previousStatus(),
                    r.channels()));
        }
        try {
            return json.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("route entries are not serializable: " + e.getMessage(), e);
        }
    }

    /**
     * The connection's route events: rows holding its id as an entry's first element. In the JSON
     * text a quote inside a value is escaped, so ["id", only matches where an entry starts with it.
     */
    private List<Row> routes(Connection connection, String connectionId, int limit) throws SQLException {
        String needle;
        try {
            String quoted = json.writeValueAsString(List.of(connectionId));
            needle = quoted.substring(0, quoted.length() - 1) + ",";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(ROUTES_OF_CONNECTION)) {
            select.setString(1, needle);
            select.setInt(2, limit);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    Instant at = row.getObject(2, OffsetDateTime.class).toInstant();
                    for (List<String> entry : entries(row.getString(5))) {
                        if (connectionId.equals(entry.get(0))) {
                            rows.add(new Row(row.getLong(1), RoutedChunk.event(at, row.getString(3),
                                    row.getString(4), new RoutedChunk.Routed(entry.get(0), entry.get(1),
                                            entry.get(2), entry.get(3), entry.get(4)))));
                        }
                    }
                }
            }
        }
        return rows;
    }

    private List<List<String>> entries(String text) throws SQLException {
        try {
            return json.readValue(text, ENTRIES);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable trace route entries: " + e.getOriginalMessage(), e);
        }
    }

    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private List<Row> query(Connection connection, String sql, Parameters parameters) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            parameters.set(select);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Row(row.getLong(1), new TraceEvent(row.getObject(2, OffsetDateTime.class).toInstant(),
                            row.getString(3), row.getString(4), row.getString(5), row.getString(6), row.getString(7),
                            detail(row.getString(8)))));
                }
            }
        }
        return rows;
    }

    private String detailText(Map<String, Object> detail) {
        if (detail == null || detail.isEmpty()) {
            return null;
        }
        try {
            String text = json.writeValueAsString(detail);
            if (text.length() <= DETAIL_LIMIT) {
                return text;
            }
            // cut the longest value (an error text) rather than break the JSON
            Map<String, Object> shorter = new LinkedHashMap<>(detail);
            String longest = shorter.entrySet().stream()
                    .max(Comparator.comparingInt(e -> String.valueOf(e.getValue()).length())).orElseThrow().getKey();
            String value = String.valueOf(shorter.get(longest));
            shorter.put(longest, value.substring(0, Math.max(0, value.length() - (text.length() - DETAIL_LIMIT) - 10))
                    + "…");
            return json.writeValueAsString(shorter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trace detail is not serializable: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> detail(String text) throws SQLException {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, DETAIL);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable trace detail: " + e.getOriginalMessage(), e);
        }
    }
}
