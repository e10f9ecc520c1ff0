package io.connectionrelay.deliver.csv;

import io.connectionrelay.deliver.export.CsvColumns;
import io.connectionrelay.deliver.export.FileNames;
import io.connectionrelay.deliver.export.FormulaGuard;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StartupListener;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one CSV file per source per poll cycle in a staging folder, open for appending while
 * the cycle runs. At the end of the cycle the file is closed and handed to the route, which
 * publishes it (to a folder or an SFTP server) under a temporary name and renames it; a failed
 * cycle's file is deleted, so no reader ever sees a partial export. A cycle cut short by a stop
 * (shutdown timeout) or a crash leaves its file in staging; it is deleted at the next start rather
 * than resumed, because every cycle polls the full list again.
 * <p>
 * A file named SOURCE-STAMP.csv is always a complete snapshot of a source's connections routed to
 * csv, header-only when there are none (an empty account is a true snapshot, and tells "nothing"
 * from "not run"). A replay cycle holds only the replayed records: its file is named
 * SOURCE-replay-STAMP.csv, and it publishes nothing when no replayed record reached this channel.
 * When the routing table sends nothing to csv, no file is published at all.
 */
public class CsvExport implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(CsvExport.class);

    /** RFC 4180: comma, double-quote quoting where needed, CRLF line ends. */
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static final String PART = ".csv.part";

    /**
     * The staged file of a finished cycle. Deliberately not a relay* property: the dead-letter store
     * keeps those and a replay restores them, and no saved entry should name a file to delete.
     */
    static final String STAGED = "csvStagedFile";

    private final Path staging;
    private final boolean formulaGuard;
    private final boolean routed;
    private final Map<String, CycleFile> open = new ConcurrentHashMap<>();

    private static final class CycleFile {
        final Path path;
        final Writer writer;
        long rows;

        CycleFile(Path path, Writer writer) {
            this.path = path;
            this.writer = writer;
        }
    }

    /** routed: whether the routing table sends any status to csv. */
    public CsvExport(Settings settings, boolean routed) {
        this.staging = Path.of(settings.getString("relay.csv.staging-folder"));
        this.formulaGuard = settings.getBoolean("relay.csv.formula-guard");
        this.routed = routed;
    }

    /** Deletes the staged files of cycles that an earlier run never finished. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws IOException {
        if (alreadyStarted || !Files.isDirectory(staging)) {
            return;
        }
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(staging)) {
            leftovers = files.filter(f -> f.getFileName().toString().endsWith(PART)).toList();
        }
        for (Path file : leftovers) {
            Files.deleteIfExists(file);
        }
        if (!leftovers.isEmpty()) {
            LOG.warn("Discarded {} unpublished CSV file(s) in {} (relay.csv.staging-folder) left by cycles that a stop "
                    + "interrupted; the next cycle polls those connections again", leftovers.size(), staging);
        }
    }

    /** Appends a chunk of records to its cycle's file, as one write. */
    public void append(Exchange exchange) throws IOException {
        List<ConnectionRecord> chunk = RecordJson.chunk(exchange.getMessage().getBody());
        CsvColumns[] columns = CsvColumns.values();
        StringBuilder rows = new StringBuilder(chunk.size() * 512);
        try (CSVPrinter printer = new CSVPrinter(rows, FORMAT)) {
            Object[] row = new Object[columns.length];
            for (ConnectionRecord record : chunk) {
                for (int i = 0; i < columns.length; i++) {
                    String value = columns[i].valueOf(record);
                    row[i] = formulaGuard ? FormulaGuard.neutralize(value) : value;
                }
                printer.printRecord(row);
            }
        }
        CycleFile file = fileFor(CycleContext.of(exchange));
        synchronized (file) {
            file.writer.append(rows);
            file.rows += chunk.size();
        }
    }

    /**
     * Closes the cycle's file and puts it in the body with CamelFileName set to its published
     * name: SOURCE-yyyyMMddTHHmmssSSSZ.csv for a snapshot, SOURCE-replay-yyyyMMddTHHmmssSSSZ.csv for
     * a replay's records. The body is null when there is nothing to publish: a replay that brought
     * no record here, or a relay that routes nothing to csv.
     */
    public void finish(Exchange exchange) throws IOException {
        CycleContext cycle = CycleContext.of(exchange);
        CycleFile gathered = open.get(cycle.id());
        if (!routed || cycle.isReplay() && (gathered == null || gathered.rows == 0)) {
            discard(exchange);
            exchange.getMessage().setBody(null);
            return;
        }
        CycleFile file = fileFor(cycle);
        synchronized (file) {
            file.writer.close();
        }
        open.remove(cycle.id());
        exchange.setProperty(STAGED, file.path);
        exchange.getMessage().setBody(file.path.toFile());
        exchange.getMessage().setHeader(Exchange.FILE_NAME, publishedName(cycle));
    }

    /** The cycle failed: its rows must not be published. */
    public void discard(Exchange exchange) throws IOException {
        CycleFile file = open.remove(CycleContext.of(exchange).id());
        if (file != null) {
            synchronized (file) {
                file.writer.close();
            }
            Files.deleteIfExists(file.path);
        }
    }

    /**
     * Removes the staged file once it is published or dead-lettered (the entry holds a copy). A
     * replayed publish carries the contents instead and has nothing staged.
     */
    public void cleanUp(Exchange exchange) throws IOException {
        Path staged = exchange.getProperty(STAGED, Path.class);
        if (staged != null) {
            Files.deleteIfExists(staged);
        }
    }

    private CycleFile fileFor(CycleContext cycle) {
        return open.computeIfAbsent(cycle.id(), c -> {
            try {
                Files.createDirectories(staging);
                Path path = staging.resolve(FileNames.safe(c) + PART);
                Writer writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path),
                        StandardCharsets.UTF_8), 1 << 16);
                FORMAT.printRecord(writer, CsvColumns.headers().toArray());
                return new CycleFile(path, writer);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot create a CSV file in " + staging
                        + " (relay.csv.staging-folder)", e);
            }
        });
    }

    private static String publishedName(CycleContext cycle) {
        return FileNames.safe(cycle.source()) + (cycle.isReplay() ? "-replay-" : "-") + STAMP.format(cycle.started())
                + ".csv";
    }
}
