package io.connectionrelay.normalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.ConnectionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record per connection per cycle. A vendor may list a connection more than once in one
 * answer, even with conflicting statuses. Records stream on as they are read, so when a repeat
 * arrives the first occurrence has already been delivered: the first occurrence wins, and each
 * later one is dropped, counted in relay_duplicate_records_total{source} and reported in one WARN
 * per cycle.
 * <p>
 * A cycle remembers a 64-bit hash of each connection id, in a primitive open-addressing set at
 * most half full (16 MB for a million connections), rather than the ids (about 100 MB of strings
 * for a million). Two ids that share a hash would be taken for a repeat; for a million connections
 * the odds are about 1 in 37 million per cycle.
 */
public class DuplicateConnections {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateConnections.class);
    private static final int EXAMPLES = 3;

    private final RelayMetrics metrics;
    private final Map<String, SeenIds> cycles = new ConcurrentHashMap<>();

    public DuplicateConnections(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    /** The chunk without the records whose connection already went through in this cycle. */
    public List<ConnectionRecord> firstInCycle(CycleContext cycle, List<ConnectionRecord> chunk) {
        SeenIds seen = cycles.computeIfAbsent(cycle.id(), c -> new SeenIds());
        List<ConnectionRecord> first = new ArrayList<>(chunk.size());
        long repeats = 0;
        synchronized (seen) {
            for (ConnectionRecord record : chunk) {
                if (seen.add(hash(record.connectionId()), record.connectionId())) {
                    first.add(record);
                } else {
                    repeats++;
                }
            }
        }
        if (repeats > 0) {
            metrics.duplicate(cycle.source(), repeats);
        }
        return first;
    }

    /** The cycle ended or failed: forget its ids, and say how many repeats were dropped. */
    public void cycleEnded(CycleContext cycle) {
        SeenIds seen = cycles.remove(cycle.id());
        if (seen != null && seen.repeats > 0) {
            LOG.warn("Source {} listed connections more than once in cycle {}: kept the first occurrence of each and "
                            + "dropped {} later one(s) (connections such as {})",
                    cycle.source(), cycle.id(), seen.repeats, String.join(", ", seen.examples));
        }
    }

    /** FNV-1a over the characters, then a 64-bit finalizer so every bit depends on every character. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    /** Hashes of the ids seen in one cycle; linear probing in a power-of-two table. */
    static final class SeenIds {
        private long[] slots = new long[1024];
        private int size;
        private long repeats;
        private final List<String> examples = new ArrayList<>(EXAMPLES);

        boolean add(long hash, String id) {
            if (insert(hash)) {
                return true;
            }
            repeats++;
            if (examples.size() < EXAMPLES && !examples.contains(id)) {
                examples.add(id);
            }
            return false;
        }

        private boolean insert(long hash) {
            if (size * 2 >= slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                for (long h : old) {
                    if (h != 0) {
                        put(slots, h);
                    }
                }
            }
            if (!put(slots, hash)) {
                return false;
            }
            size++;
            return true;
        }

        private static boolean put(long[] table, long hash) {
            int mask = table.length - 1;
            for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
                if (table[i] == hash) {
                    return false;
                }
                if (table[i] == 0) {
                    table[i] = hash;
                    return true;
                }
            }
        }
    }
}
