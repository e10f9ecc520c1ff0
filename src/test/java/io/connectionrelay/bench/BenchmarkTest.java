package io.connectionrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.connectionrelay.demo.CruxPayloadGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness: {@code mvn -B -Pbench verify}. Not part of the unit test run (tag bench).
 * For each size it generates a Crux payload, serves it over loopback HTTP, and runs the reference
 * and the bundle, each in a fresh JVM with -Xmx256m, one after the other on the same bytes; it
 * prints figures and the bundle/reference ratio and writes them to bench/results/.
 * Sizes: -Dbench.sizes=10000,100000,1000000 (the default). The connection trace
 * (relay.trace.enabled): -Dbench.trace=on (the default, as shipped), off, or both (the bundle runs
 * twice per size, to measure what the trace costs). -Dbench.jfr=true records a Java Flight Recorder
 * profile of each run into its folder under bench/work (run.jfr). -Dbench.jvm=cold (the default: each
 * measured run is its JVM's first, as --once is), warm (each runs once unmeasured before, in the
 * same JVM, as a scheduled relay's cycles after its first) or both.
 */
@Tag("bench")
class BenchmarkTest {

    static final Path WORK = Path.of("bench/work");
    static final Pattern RESULT = Pattern.compile("RESULT (.*)");

    @Test
    void csvPath() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.sizes", "10000,100000,1000000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        List<String> rows = new ArrayList<>();
        String traceSetting = System.getProperty("bench.trace", "on");
        List<String> traces = switch (traceSetting) {
            case "on" -> List.of("on");
            case "off" -> List.of("off");
            case "both" -> List.of("on", "off");
            default -> throw new IllegalArgumentException("-Dbench.trace is on, off or both, not " + traceSetting);
        };
        List<String> jvms = switch (System.getProperty("bench.jvm", "cold")) {
            case "cold" -> List.of("cold");
            case "warm" -> List.of("warm");
            case "both" -> List.of("cold", "warm");
            default -> throw new IllegalArgumentException("-Dbench.jvm is cold, warm or both");
        };
        rows.add("| records | JVM | trace | payload MB | reference rec/s | bundle rec/s (cycle) | ratio | bundle cycle s "
                + "| trace written s after the cycle | bundle wall s | reference CPU s | bundle cycle CPU s "
                + "| load average before | bundle peak used heap MB | bundle peak heap MB after a young or mixed GC "
                + "| bundle live heap MB at the cycle's end (full GC) | bundle peak RSS MB | reference peak used heap MB |");
        rows.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int size : sizes) {
            Path payload = payload(size);
            try (PayloadServer server = new PayloadServer(payload)) {
                for (String jvm : jvms) {
                    Map<String, String> reference = child("reference", server.baseUrl(), size, "off", jvm);
                    for (String trace : traces) {
                        String load = loadAverage();
                        Map<String, String> bundle = child("bundle", server.baseUrl(), size, trace, jvm);
                        assertThat(bundle.get("records")).isEqualTo(reference.get("records"));
                        rows.add(row(size, jvm, trace, Files.size(payload), reference, bundle, load));
                    }
                }
            }
        }
        BenchReport.write("csv-path", "CSV path: one one-shot cycle, every record routed to csv; JVMs with -Xmx256m",
                rows);
    }

    private static String row(int size, String jvm, String trace, long payloadBytes, Map<String, String> reference,
            Map<String, String> bundle, String load) {
        return String.format("| %,d | %s | %s | %d | %,.0f | %,.0f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %s "
                + "| %s | %s | %s | %s | %s |", size, jvm, trace, payloadBytes / (1024 * 1024), rate(reference),
                rate(bundle), rate(bundle) / rate(reference), seconds(bundle, "cycleMillis"),
                seconds(bundle, "traceLagMillis"), seconds(bundle, "millis"), seconds(reference, "cpuMillis"),
                seconds(bundle, "cpuMillis"), load, bundle.get("peakHeapMb"), bundle.get("liveHeapMb"),
                bundle.get("liveHeapAtEndMb"), bundle.get("rssMb"), reference.get("peakHeapMb"));
    }

    private static double seconds(Map<String, String> result, String millis) {
        return Long.parseLong(result.get(millis)) / 1000.0;
    }

    /**
     * The 1-minute load average as the bundle starts: the machines are shared, and a rate measured
     * at load 10 on 2 cores says little without it. CPU seconds vary less with the load than rates.
     */
    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? Files.readString(loadavg).split(" ")[0] : "?";
    }

    /** Records per second of the work itself: the reference's whole run, the bundle's cycle without its boot. */
    private static double rate(Map<String, String> result) {
        return Long.parseLong(result.get("records")) * 1000.0 / Math.max(1, Long.parseLong(result.get("cycleMillis")));
    }

    /** Generated once per size and kept in bench/work (gitignored): generation is not what is measured. */
    static Path payload(int size) throws IOException {
        Files.createDirectories(WORK);
        Path file = WORK.resolve("crux-" + size + ".json");
        if (!Files.exists(file)) {
            Path tmp = WORK.resolve("crux-" + size + ".json.tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                new CruxPayloadGenerator().write(out, size - 3, 7L);
            }
            Files.move(tmp, file);
        }
        return file;
    }

    static Map<String, String> child(String mode, String baseUrl, int size, String trace, String jvm)
            throws Exception {
        Path work = WORK.resolve(mode + "-" + size + "-" + Instant.now().toEpochMilli());
        Files.createDirectories(work);
        Path log = work.resolve("run.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        if (mode.equals("bundle") && !System.getProperty("bench.bundle-jvm", "").isBlank()) {
            command.addAll(List.of(System.getProperty("bench.bundle-jvm").split(" ")));
        }
        if (Boolean.getBoolean("bench.jfr")) {
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + work.resolve("run.jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CsvPathRun.class.getName(), mode, baseUrl,
                work.toString(), trace, jvm));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = process.waitFor();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Matcher matcher = RESULT.matcher(output);
        if (exit != 0 || !matcher.find()) {
            throw new IllegalStateException(mode + " run failed (exit " + exit + "); log: " + log.toAbsolutePath());
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : matcher.group(1).trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            result.put(kv[0], kv[1]);
        }
        System.out.println(mode + " " + size + " " + jvm + " trace " + trace + ": " + result);
        deleteCsvOutput(work);
        return result;
    }

    /** The outputs are as large as the payload; keep the logs, drop the CSVs. */
    private static void deleteCsvOutput(Path work) throws IOException {
        try (var files = Files.walk(work)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
                Files.delete(f);
            }
        }
    }
}
