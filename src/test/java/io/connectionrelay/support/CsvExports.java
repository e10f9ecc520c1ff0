package io.connectionrelay.support;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The csv channel's receiving side: the CSV files published in a folder, the relay's own
 * (relay.csv.folder) or an SFTP server's (its root on disk). Only published names count: a
 * temporary .NAME.part is not delivered. Every cycle exports the full list again by design, so a
 * record in two files is not a duplicate.
 */
public final class CsvExports implements DeliveryObserver {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    private final Path folder;

    private CsvExports(Path folder) {
        this.folder = folder;
    }

    public static CsvExports in(Path folder) {
        return new CsvExports(folder);
    }

    @Override
    public String channel() {
        return "csv";
    }

    @Override
    public Set<String> delivered() throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        for (Path file : files()) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (CSVRecord row : FORMAT.parse(in)) {
                    keys.add(row.get("source") + ":" + row.get("connection_id"));
                }
            }
        }
        return keys;
    }

    @Override
    public List<String> duplicates() {
        return List.of();
    }

    /** The published CSV files, oldest name first. */
    public List<Path> files() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".csv"))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    @Override
    public String toString() {
        return "CSV files in " + folder;
    }
}
