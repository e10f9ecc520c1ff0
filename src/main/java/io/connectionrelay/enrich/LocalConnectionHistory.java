package io.connectionrelay.enrich;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
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
 * log to disk. Off the heap it holds two write buffers of 16 MB and a 16 MB block cache.
 * <p>
 * Every call is one step under the instance's lock: a replay cycle and a scheduled cycle that
 * see the same connection at once cannot both take it for unchanged from the same status, and a
 * stop waits for the chunk in hand (RocksDB's handle must not close under a call). Rows that an
 * earlier version kept in the state database's table move here at start, without replacing what
 * the folder already holds, and then leave the table.
 */
public class LocalConnectionHistory implements ConnectionHistory {

    private static final Logger LOG = LoggerFactory.getLogger(LocalConnectionHistory.class);
    private static final int MOVE_BATCH = 10_000;
    private static final long WRITE_BUFFER_BYTES = 16L << 20;
    private static final long BLOCK_CACHE_BYTES = 16L << 20;

    private final Path folder;
    private final DataSource database;
    private LRUCache blockCache;
    private Options options;
    private RocksDB store;

    /** @param database the state database, whose table may hold rows an earlier version wrote */
    public LocalConnectionHistory(Path folder, DataSource database) {
        this.folder = folder;
        this.database = database;
    }

    @Override
    public synchronized void start() {
        try {
            RocksDB.loadLibrary();
            Files.createDirectories(folder.toAbsolutePath().getParent());
            blockCache = new LRUCache(BLOCK_CACHE_BYTES);
            // a first-seen connection is a miss: the filter answers it without reading the files
            options = new Options().setCreateIfMissing(true).setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(2).setWriteBufferSize(WRITE_BUFFER_BYTES).setMaxWriteBufferNumber(2)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache)
                            .setCacheIndexAndFilterBlocks(true).setFilterPolicy(new BloomFilter(10)));
            store = RocksDB.open(options, folder.toString());
        } catch (RocksDBException | IOException | RuntimeException | UnsatisfiedLinkError e) {
            stop();
            // not chained: the startup report prints the innermost message, and this one names the setting
            throw new IllegalStateException("The connection history at " + folder + " (beside the H2 file of "
                    + "relay.state.jdbc-url, RELAY_STATE_JDBC_URL) cannot be opened: " + (isLocked(e)
                    ? "another process has it open (one relay per embedded state database)" : e.getMessage()));
        }
        moveTableRows();
    }

    @Override
    public synchronized void stop() {
        if (store != null) {
            store.close();
            store = null;
        }
        if (options != null) {
            options.close();
            options = null;
        }
        if (blockCache != null) {
            blockCache.close();
            blockCache = null;
        }
    }

    @Override
    public synchronized List<StatusHistory> observe(String cycle, List<ConnectionRecord> chunk, Instant now) {
        if (chunk.isEmpty()) {
            return List.of();
        }
        RocksDB open = open();
        List<byte[]> keys = new ArrayList<>(chunk.size());
        chunk.forEach(record -> keys.add(key(record.source(), record.connectionId())));
        try (WriteBatch changes = new WriteBatch(); WriteOptions write = new WriteOptions()) {
            List<byte[]> values = open.multiGetAsList(keys);
            // a connection twice in one chunk (a replay's) sees its own first observation
            Map<String, KnownStatus> seenInChunk = new HashMap<>();
            List<StatusHistory> histories = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                ConnectionRecord record = chunk.get(i);
                String seenKey = record.source() + '/' + record.connectionId();
                KnownStatus known = seenInChunk.containsKey(seenKey) ? seenInChunk.get(seenKey) : decode(values.get(i));
                KnownStatus next = known == null ? KnownStatus.firstSight(record, now) : known.seen(record.status(), now);
                if (next != known) {
                    changes.put(keys.get(i), encode(next));
                    seenInChunk.put(seenKey, next);
                }
                histories.add(next.history());
            }
            open.write(write, changes);
            return histories;
        } catch (RocksDBException | RuntimeException e) {
            throw new IllegalStateException("Connection history for " + chunk.size() + " record(s) of "
                    + chunk.get(0).source() + " could not be read or written in " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void flush(String cycle) {
        try {
            open().flushWal(true);
        } catch (RocksDBException e) {
            throw new IllegalStateException("The connection history of cycle " + cycle + " could not be written to disk "
                    + "in " + folder + ", so the next cycle would misjudge those connections' statuses: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, CanonicalStatus> current(String source, Collection<String> connectionIds) {
        RocksDB open = open();
        List<String> ids = List.copyOf(connectionIds);
        List<byte[]> keys = new ArrayList<>(ids.size());
        ids.forEach(id -> keys.add(key(source, id)));
        try {
            List<byte[]> values = open.multiGetAsList(keys);
            Map<String, CanonicalStatus> statuses = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                KnownStatus known = decode(values.get(i));
                if (known != null) {
                    statuses.put(ids.get(i), known.status());
                }
            }
            return statuses;
        } catch (RocksDBException | RuntimeException e) {
            throw new IllegalStateException("The connection history of " + source + " could not be read in " + folder
                    + ": " + e.getMessage(), e);
        }
    }

    private RocksDB open() {
        if (store == null) {
            throw new IllegalStateException("The connection history at " + folder + " is closed: the relay is stopping");
        }
        return store;
    }

    /**
     * Source, slash, id, each char as its two bytes: UTF-8 would turn a lone surrogate (a valid
     * JSON escape) into '?', and two ids differing there into one key.
     */
    private static byte[] key(String source, String connectionId) {
        String key = source + '/' + connectionId;
        ByteBuffer bytes = ByteBuffer.allocate(2 * key.length());
        for (int i = 0; i < key.length(); i++) {
            bytes.putChar(key.charAt(i));
        }
        return bytes.array();
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
     * An earlier version kept the history in the state database's table: whatever rows it holds
     * move here (a connection the folder already knows keeps what the folder says, so a move cut
     * short by a kill is finished at the next start), then leave the table.
     */
    private void moveTableRows() {
        long moved = 0;
        try (Connection connection = database.getConnection()) {
            try (Statement statement = connection.createStatement();
                 ResultSet any = statement.executeQuery("SELECT 1 FROM " + SharedConnectionHistory.TABLE + " LIMIT 1")) {
                if (!any.next()) {
                    return;
                }
            }
            try (PreparedStatement select = connection.prepareStatement(SharedConnectionHistory.SELECT_ROWS)) {
                select.setFetchSize(MOVE_BATCH);
                try (ResultSet row = select.executeQuery()) {
                    List<byte[]> keys = new ArrayList<>(MOVE_BATCH);
                    List<byte[]> values = new ArrayList<>(MOVE_BATCH);
                    while (row.next()) {
                        keys.add(key(row.getString(1), row.getString(2)));
                        values.add(encode(SharedConnectionHistory.known(row)));
                        if (keys.size() == MOVE_BATCH) {
                            moved += putAbsent(keys, values);
                        }
                    }
                    moved += putAbsent(keys, values);
                }
            }
            store.flushWal(true);
            try (Statement truncate = connection.createStatement()) {
                truncate.executeUpdate("TRUNCATE TABLE " + SharedConnectionHistory.TABLE);
            }
            LOG.info("Moved the connection history of {} connection(s) from the state database to {}", moved, folder);
        } catch (SQLException | RocksDBException | RuntimeException e) {
            stop();
            throw new IllegalStateException("The connection history in the state database could not be moved to "
                    + folder + " (it is moved again at the next start): " + e.getMessage(), e);
        }
    }

    /** Writes the pairs whose key the store does not hold yet, and empties both lists. */
    private int putAbsent(List<byte[]> keys, List<byte[]> values) throws RocksDBException {
        int put = 0;
        List<byte[]> held = store.multiGetAsList(keys);
        try (WriteBatch batch = new WriteBatch(); WriteOptions write = new WriteOptions()) {
            for (int i = 0; i < keys.size(); i++) {
                if (held.get(i) == null) {
                    batch.put(keys.get(i), values.get(i));
                    put++;
                }
            }
            store.write(write, batch);
        }
        keys.clear();
        values.clear();
        return put;
    }

    /** RocksDB's words for a LOCK file another process (or this one) holds; a refused permission is not one. */
    private static boolean isLocked(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("lock hold by current process") || message.contains("Resource temporarily unavailable")
                || message.contains("No locks available");
    }
}
