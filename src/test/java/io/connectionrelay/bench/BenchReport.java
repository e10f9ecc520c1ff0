package io.connectionrelay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Prints a benchmark's table and appends it, with the machine and JVM, to bench/results/NAME.md. */
final class BenchReport {

    private BenchReport() {
    }

    static void write(String name, String title, List<String> rows) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("\n## ").append(title).append("\n\n");
        text.append("- date: ").append(Instant.now()).append('\n');
        text.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", ")
                .append(totalMemoryGb()).append(" GB RAM\n");
        text.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append('\n');
        text.append('\n');
        rows.forEach(r -> text.append(r).append('\n'));
        System.out.println(text);
        Path results = Path.of("bench/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve(name + ".md"), text.toString(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static long totalMemoryGb() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getTotalMemorySize() / (1024L * 1024 * 1024) : -1;
    }
}
