package io.connectionrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time per thread of this process, read from /proc/self/task: unlike ThreadMXBean it sees the
 * JVM's own threads (JIT compilers, garbage collector), where a short run spends much of its CPU.
 * Threads are keyed by id; names are folded (digits to N) only when printed, so a pool is one line.
 */
final class ThreadCpu {

    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ: 100 on every Linux this runs on. */
    private static final long MILLIS_PER_TICK = 10;

    private record Sample(String name, long millis) {
    }

    private final Map<String, Sample> start;

    private ThreadCpu(Map<String, Sample> start) {
        this.start = start;
    }

    static ThreadCpu begin() {
        return new ThreadCpu(sample());
    }

    /** CPU ms per thread name since begin(); threads that ended in between are one line, "(ended)". */
    String since(long processMillis) {
        Map<String, Long> byName = new TreeMap<>();
        long counted = 0;
        for (Map.Entry<String, Sample> now : sample().entrySet()) {
            Sample before = start.get(now.getKey());
            long millis = now.getValue().millis() - (before == null ? 0 : before.millis());
            counted += millis;
            if (millis >= 20) {
                byName.merge(now.getValue().name().replaceAll("\\d+", "N"), millis, Long::sum);
            }
        }
        byName.put("(ended, or under 20 ms)", Math.max(0, processMillis - counted));
        return byName.toString();
    }

    private static Map<String, Sample> sample() {
        Map<String, Sample> threads = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return threads;
        }
        try (Stream<Path> tasks = Files.list(TASKS)) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // the name is in parentheses and may itself hold spaces or parentheses
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] rest = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                    threads.put(task.getFileName().toString(),
                            new Sample(stat.substring(open + 1, close), ticks * MILLIS_PER_TICK));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we read it
                }
            });
        } catch (IOException e) {
            return threads;
        }
        return threads;
    }
}
