package io.connectionrelay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory of this JVM: used heap sampled every 20 ms (garbage included, so it mostly shows
 * how far the collector let the heap fill), the largest heap in use right after a collection
 * (with G1, a young collection leaves the old generation's garbage in place, so this is an upper
 * bound of the live set), the live set itself once the work is done ({@link #liveHeapNowMb}:
 * what "memory stays bounded" is about), and the process's peak resident set (VmHWM) from /proc.
 */
final class MemoryProbe implements AutoCloseable {

    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peakUsedHeap;
    private volatile long peakAfterCollection;

    MemoryProbe() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        sampler = new Thread(() -> {
            Runtime runtime = Runtime.getRuntime();
            while (running) {
                peakUsedHeap = Math.max(peakUsedHeap, runtime.totalMemory() - runtime.freeMemory());
                peakAfterCollection = Math.max(peakAfterCollection, heapAfterLastCollection());
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

    long peakLiveHeapMb() {
        return peakAfterCollection / (1024 * 1024);
    }

    private static long heapAfterLastCollection() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null)
                .mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
    }

    /**
     * The heap still reachable now: used heap after a full collection. "After a collection"
     * above is G1's old generation after young collections too, so it counts garbage that no
     * mixed collection has reclaimed yet; this one does not.
     */
    static long liveHeapNowMb() {
        System.gc();
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }

    long peakUsedHeapMb() {
        return peakUsedHeap / (1024 * 1024);
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
