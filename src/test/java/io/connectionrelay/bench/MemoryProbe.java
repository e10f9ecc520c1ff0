package io.connectionrelay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory of this JVM: used heap sampled every 20 ms (what the application actually held,
 * garbage included), and the process's peak resident set (VmHWM) from /proc.
 */
final class MemoryProbe implements AutoCloseable {

    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peakUsedHeap;

    MemoryProbe() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        sampler = new Thread(() -> {
            Runtime runtime = Runtime.getRuntime();
            while (running) {
                peakUsedHeap = Math.max(peakUsedHeap, runtime.totalMemory() - runtime.freeMemory());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-probe");
        sampler.setDaemon(true);
        sampler.start();
    }

    long peakUsedHeapMb() {
        return peakUsedHeap / (1024 * 1024);
    }

    /** Sum of each heap pool's own peak: an upper bound, since pools peak at different moments. */
    static long heapPoolPeaksMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / (1024 * 1024);
    }

    static long peakRssMb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong).findFirst().orElse(-1) / 1024;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
