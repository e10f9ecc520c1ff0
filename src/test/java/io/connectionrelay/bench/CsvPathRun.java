package io.connectionrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.connectionrelay.runtime.OneShotRun;
import io.connectionrelay.runtime.RunSummary;
import org.apache.camel.main.Main;

/**
 * One measured run in its own JVM (the harness starts it with -Xmx256m):
 * {@code CsvPathRun bundle|reference BASE_URL WORK_DIR}. Prints one RESULT line.
 */
public final class CsvPathRun {

    /** The bundle's cycle alone, without Camel's boot (a fixed cost per process, not per record). */
    private static long cycleMillis = -1;

    private CsvPathRun() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String baseUrl = args[1];
        Path work = Path.of(args[2]);
        Files.createDirectories(work);
        long records;
        long started;
        long millis;
        try (MemoryProbe probe = new MemoryProbe()) {
            started = System.nanoTime();
            records = mode.equals("reference")
                    ? ReferenceCsvExport.run(baseUrl + PayloadServer.PATH, work.resolve("reference.csv"))
                    : runBundle(baseUrl, work);
            millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("RESULT mode=%s records=%d millis=%d cycleMillis=%d peakHeapMb=%d liveHeapMb=%d"
                    + " rssMb=%d%n", mode, records, millis, cycleMillis < 0 ? millis : cycleMillis,
                    probe.peakUsedHeapMb(), probe.peakLiveHeapMb(),
                    MemoryProbe.peakRssMb());
        }
        System.exit(0);
    }

    /** The bundle as --once runs it, every status routed to the csv channel. */
    private static long runBundle(String baseUrl, Path work) throws Exception {
        Main main = BenchBundle.start(baseUrl, work, Map.of(
                "relay.routing.active", "csv", "relay.routing.pending", "csv", "relay.routing.inactive", "csv"));
        long started = System.nanoTime();
        try {
            int exit = OneShotRun.run(main.getCamelContext());
            cycleMillis = (System.nanoTime() - started) / 1_000_000;
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
