package io.connectionrelay.enrich;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection history of a relay whose state database is an embedded H2 file, which only this
 * process opens: a RocksDB store in the folder beside that file (FILE.history). Each chunk's
 * history is one multi-get and its changes one atomic write batch, on the enrich thread: an
 * embedded H2 spent about 80 µs of CPU per first-seen connection on its table (the row, its key
 * index, the transaction's undo log, compiling all of that), which made a first cycle's 100,000
 * inserts cost more than the rest of the pipeline together. A cycle's end syncs the write-ahead
 * log to disk.
 * <p>
 * A chunk's read, decision and write are one step under a lock, so a replay cycle and a scheduled
 * cycle that see the same connection at once cannot both take it for unchanged from the same
 * status. Rows an earlier version kept in the state database's table move here when the folder is
 * first created.
 */
public class LocalConnectionHistory implements ConnectionHistory {

    private static final Logger LOG = LoggerFactory.getLogger(LocalConnectionHistory.class);
    private static final String TABLE_ROWS = "SELECT source, connection_id, status, previous_status, status_since FROM "
            + SharedConnectionHistory.TABLE;
    private static final int IMPORT_BATCH = 10_000;

    private final Path folder;
    private final DataSource database;
    private Options options;
    private RocksDB store;

    /** @param database the state database, whose table may hold rows an earlier version wrote */
    public LocalConnectionHistory(Path folder, DataSource database) {
        this.folder = folder;
        this.database = database;
    }

    @Override
    public void start() {
        boolean fresh = !Files.exists(folder);
        try {
            RocksDB.loadLibrary();
            Files.createDirectories(folder.toAbsolutePath().getParent());
            // a first-seen connection is a miss: the filter answers it without reading the files
            options = new Options().setCreateIfMissing(true).setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(2).setTableFormatConfig(new BlockBasedTableConfig()
                            .setFilterPolicy(new BloomFilter(10)));
            store = RocksDB.open(options, folder.toString());
        } catch (RocksDBException | IOException e) {
            stop();
            throw new IllegalStateException("The connection history at " + folder + " (beside the H2 file of "
                    + "relay.state.jdbc-url) cannot be opened" + (isLocked(e) ? ": another process has it open (one "
                    + "relay per embedded state database)" : ": " + e.getMessage()), e);
        }
        if (fresh) {
            moveTableRows();
        }
    }

    @Override
    public void stop() {
        if (store != null) {
            store.close();
            store = null;
        }
        if (options != null) {
            options.close();
            options = null;
        }
    }

    @Override
    public synchronized List<StatusHistory> observe(String cycle, List<ConnectionRecord> chunk, Instant now) {
        if (chunk.isEmpty()) {
            return List.of();
        }
        List<byte[]> keys = new ArrayList<>(chunk.size());
        chunk.forEach(record -> keys.add(key(record.source(), record.connectionId())));
        try (WriteBatch changes = new WriteBatch(); WriteOptions write = new WriteOptions()) {
            List<byte[]> values = store.multiGetAsList(keys);
            // a connection twice in one chunk (a replay's) sees its own first observation
            Map<String, KnownStatus> seenInChunk = new HashMap<>();
            List<StatusHistory> histories = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                ConnectionRecord record = chunk.get(i);
                KnownStatus known = seenInChunk.containsKey(record.connectionId())
                        ? seenInChunk.get(record.connectionId()) : decode(values.get(i));
                KnownStatus next = known == null ? KnownStatus.firstSight(record, now) : known.seen(record.status(), now);
                if (next != known) {
                    changes.put(keys.get(i), encode(next));
                    seenInChunk.put(record.connectionId(), next);
                }
                histories.add(next.history());
            }
            store.write(write, changes);
            return histories;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Connection history for " + chunk.size() + " record(s) of "
                    + chunk.get(0).source() + " could not be read or written in " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void flush(String cycle) {
        try {
            store.flushWal(true);
        } catch (RocksDBException e) {
            throw new IllegalStateException("The connection history of cycle " + cycle + " could not be written to disk "
                    + "in " + folder + ", so the next cycle would misjudge those connections' statuses: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, CanonicalStatus> current(String source, Collection<String> connectionIds) {
        List<String> ids = List.copyOf(connectionIds);
        List<byte[]> keys = new ArrayList<>(ids.size());
        ids.forEach(id -> keys.add(key(source, id)));
        try {
            List<byte[]> values = store.multiGetAsList(keys);
            Map<String, CanonicalStatus> statuses = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                KnownStatus known = decode(values.get(i));
                if (known != null) {
                    statuses.put(ids.get(i), known.status());
                }
            }
            return statuses;
        } catch (RocksDBException e) {
            throw new IllegalStateException("The connection history of " + source + " could not be read in " + folder
                    + ": " + e.getMessage(), e);
        }
    }

    /** Source names are one word ([A-Za-z0-9_-]), so the first slash ends it. */
    private static byte[] key(String source, String connectionId) {
        return (source + '/' + connectionId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(KnownStatus known) {
        return (known.status().name() + '|' + (known.previous() == null ? "" : known.previous().name()) + '|'
                + known.since().getEpochSecond() + '|' + known.since().getNano()).getBytes(StandardCharsets.UTF_8);
    }

    private static KnownStatus decode(byte[] value) {
        if (value == null) {
            return null;
        }
        String[] parts = new String(value, StandardCharsets.UTF_8).split("\\|", -1);
        return new KnownStatus(CanonicalStatus.valueOf(parts[0]),
                parts[1].isEmpty() ? null : CanonicalStatus.valueOf(parts[1]),
                Instant.ofEpochSecond(Long.parseLong(parts[2]), Long.parseLong(parts[3])));
    }

    /**
     * An earlier version kept the history in the state database's table: its rows move here, then
     * leave the table. A failure leaves no folder behind, so the next start moves them again.
     */
    private void moveTableRows() {
        long moved = 0;
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(TABLE_ROWS)) {
            select.setFetchSize(IMPORT_BATCH);
            try (ResultSet row = select.executeQuery(); WriteOptions write = new WriteOptions()) {
                WriteBatch batch = new WriteBatch();
                try {
                    while (row.next()) {
                        String previous = row.getString(4);
                        batch.put(key(row.getString(1), row.getString(2)), encode(new KnownStatus(
                                CanonicalStatus.valueOf(row.getString(3)),
                                previous == null ? null : CanonicalStatus.valueOf(previous),
                                row.getObject(5, OffsetDateTime.class).toInstant())));
                        if (++moved % IMPORT_BATCH == 0) {
                            store.write(write, batch);
                            batch.close();
                            batch = new WriteBatch();
                        }
                    }
                    store.write(write, batch);
                } finally {
                    batch.close();
                }
            }
            if (moved > 0) {
                store.flushWal(true);
                try (Statement delete = connection.createStatement()) {
                    delete.executeUpdate("DELETE FROM " + SharedConnectionHistory.TABLE);
                }
                LOG.info("Moved the connection history of {} connection(s) from the state database to {}", moved, folder);
            }
        } catch (SQLException | RocksDBException | RuntimeException e) {
            stop();
            deleteFolder();
            throw new IllegalStateException("The connection history in the state database could not be moved to "
                    + folder + ": " + e.getMessage(), e);
        }
    }

    private void deleteFolder() {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.error("Could not delete {} after a failed move: delete it before the next start", folder, e);
        }
    }

    private static boolean isLocked(Exception e) {
        return e.getMessage() != null && e.getMessage().contains("lock");
    }
}
