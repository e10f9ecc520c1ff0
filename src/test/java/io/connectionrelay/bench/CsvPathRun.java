package io.connectionrelay.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.ops.RunSummary;
import io.connectionrelay.trace.TraceWriter;
import io.micrometer.core.instrument.Counter;
import org.apache.camel.main.Main;

/**
 * One measured run in its own JVM (the harness starts it with -Xmx256m):
 * {@code CsvPathRun bundle|reference BASE_URL WORK_DIR on|off cold|warm} (the connection trace;
 * whether the measured run is the JVM's first or follows the same run once). Prints one RESULT line.
 */
public final class CsvPathRun {

    /** The bundle's cycle alone, without Camel's boot (a fixed cost per process, not per record). */
    private static long cycleMillis = -1;
    /** How long the trace writer still needed after the cycle to have every event in the database. */
    private static long traceLagMillis;
    /** The heap still reachable once the cycle is done, before the relay stops (state database caches included). */
    private static long liveHeapAtEndMb = -1;
    /** CPU time of the whole process (every thread, the collector's and the compiler's included) over the work. */
    private static long cpuMillis = -1;

    private CsvPathRun() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String baseUrl = args[1];
        Path work = Path.of(args[2]);
        boolean trace = args[3].equals("on");
        Files.createDirectories(work);
        if (args[4].equals("warm")) {
            // the same run once before, unmeasured, in a folder (and state database) of its own: what
            // follows runs compiled code, as a relay's cycles do after its first
            work(mode, baseUrl, work.resolve("warm-up"), trace);
            cycleMillis = -1;
            cpuMillis = -1;
        }
        long records;
        long started;
        long millis;
        try (MemoryProbe probe = new MemoryProbe()) {
            started = System.nanoTime();
            long cpuBefore = processCpuMillis();
            records = work(mode, baseUrl, work, trace);
            millis = (System.nanoTime() - started) / 1_000_000;
            if (cpuMillis < 0) {
                cpuMillis = processCpuMillis() - cpuBefore;
            }
            System.out.printf("RESULT mode=%s records=%d millis=%d cycleMillis=%d traceLagMillis=%d cpuMillis=%d"
                    + " peakHeapMb=%d liveHeapMb=%d liveHeapAtEndMb=%d rssMb=%d%n", mode, records, millis,
                    cycleMillis < 0 ? millis : cycleMillis, traceLagMillis, cpuMillis,
                    probe.peakUsedHeapMb(), probe.peakLiveHeapMb(), liveHeapAtEndMb,
                    MemoryProbe.peakRssMb());
        }
        System.exit(0);
    }

    private static long work(String mode, String baseUrl, Path work, boolean trace) throws Exception {
        Files.createDirectories(work);
        return mode.equals("reference")
                ? ReferenceCsvExport.run(baseUrl + PayloadServer.PATH, work.resolve("reference.csv"))
                : runBundle(baseUrl, work, trace);
    }

    private static long processCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    /** The collector's pauses since start; its threads' CPU is in ThreadCpu's lines (GC Thread, G1 Conc). */
    private static long gcPauseMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** The bundle as --once runs it, every status routed to the csv channel. */
    private static long runBundle(String baseUrl, Path work, boolean trace) throws Exception {
        Main main = BenchBundle.start(baseUrl, work, Map.of(
                "relay.routing.active", "csv", "relay.routing.pending", "csv", "relay.routing.inactive", "csv",
                "relay.trace.enabled", String.valueOf(trace)));
        long started = System.nanoTime();
        long cpuBefore = processCpuMillis();
        long pausesBefore = gcPauseMillis();
        ThreadCpu threads = ThreadCpu.begin();
        try {
            int exit = OneShotRun.run(main.getCamelContext());
            cycleMillis = (System.nanoTime() - started) / 1_000_000;
            cpuMillis = processCpuMillis() - cpuBefore;
            System.out.println("CPU ms by thread over the cycle: " + threads.since(cpuMillis) + "; GC pauses ms: "
                    + (gcPauseMillis() - pausesBefore));
            TraceWriter writer = main.getCamelContext().getRegistry().lookupByNameAndType("traceWriter",
                    TraceWriter.class);
            if (writer != null && !writer.awaitWritten(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the trace writer did not catch up within 10 minutes");
            }
            Counter dropped = main.getCamelContext().getRegistry().lookupByNameAndType("relayMetrics", RelayMetrics.class)
                    .registry().find("relay.trace.dropped").counter();
            if (dropped != null && dropped.count() > 0) {
                throw new IllegalStateException(dropped.count() + " trace events were dropped: the figures would flatter");
            }
            traceLagMillis = (System.nanoTime() - started) / 1_000_000 - cycleMillis;
            liveHeapAtEndMb = MemoryProbe.liveHeapNowMb();
            if (exit != 0) {
                throw new IllegalStateException("the bundle's one-shot run failed; see " + work.resolve("dead-letter"));
            }
            return main.getCamelContext().getRegistry().lookupByNameAndType("runSummary", RunSummary.class)
                    .polledCounts().getOrDefault("bench", 0L);
        } finally {
            main.stop();
        }
    }
}
