package io.connectionrelay.deliver.csv;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.connectionrelay.poll.PollCycle;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.runtime.Exchanges;
import io.connectionrelay.runtime.Settings;
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
        final CSVPrinter printer;
        long rows;

        CycleFile(Path path, CSVPrinter printer) {
            this.path = path;
            this.printer = printer;
        }
    }

    /** routed: whether the routing table sends any status to csv. */
    public CsvExport(Settings settings, boolean routed) {
        this.staging = Path.of(settings.get("relay.csv.staging-folder", "data/staging/csv"));
        this.formulaGuard = settings.getBoolean("relay.csv.formula-guard", true);
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

    /** Appends one record JSON to its cycle's file. */
    public void append(Exchange exchange) throws IOException {
        ConnectionRecord record = RecordJson.read(exchange.getMessage().getBody(String.class));
        List<String> row = new ArrayList<>(CsvColumns.values().length);
        for (CsvColumns column : CsvColumns.values()) {
            String value = column.valueOf(record);
            row.add(formulaGuard ? FormulaGuard.neutralize(value) : value);
        }
        CycleFile file = fileFor(exchange);
        synchronized (file) {
            file.printer.printRecord(row);
            file.rows++;
        }
    }

    /**
     * Closes the cycle's file and puts it in the body with CamelFileName set to its published
     * name: SOURCE-yyyyMMddTHHmmssSSSZ.csv for a snapshot, SOURCE-replay-yyyyMMddTHHmmssSSSZ.csv for
     * a replay's records. The body is null when there is nothing to publish: a replay that brought
     * no record here, or a relay that routes nothing to csv.
     */
    public void finish(Exchange exchange) throws IOException {
        boolean replay = PollCycle.isReplay(exchange);
        CycleFile gathered = open.get(exchange.getProperty(Exchanges.CYCLE, String.class));
        if (!routed || replay && (gathered == null || gathered.rows == 0)) {
            discard(exchange);
            exchange.getMessage().setBody(null);
            return;
        }
        CycleFile file = fileFor(exchange);
        synchronized (file) {
            file.printer.close(true);
        }
        open.remove(exchange.getProperty(Exchanges.CYCLE, String.class));
        exchange.setProperty(STAGED, file.path);
        exchange.getMessage().setBody(file.path.toFile());
        exchange.getMessage().setHeader(Exchange.FILE_NAME, publishedName(exchange, replay));
    }

    /** The cycle failed: its rows must not be published. */
    public void discard(Exchange exchange) throws IOException {
        CycleFile file = open.remove(exchange.getProperty(Exchanges.CYCLE, String.class));
        if (file != null) {
            synchronized (file) {
                file.printer.close();
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

    private CycleFile fileFor(Exchange exchange) {
        String cycle = exchange.getProperty(Exchanges.CYCLE, String.class);
        if (cycle == null) {
            throw new IllegalStateException("a CSV row arrived outside a poll cycle (no " + Exchanges.CYCLE + ")");
        }
        return open.computeIfAbsent(cycle, c -> {
            try {
                Files.createDirectories(staging);
                Path path = staging.resolve(FileNames.safe(c) + PART);
                BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(writer, FORMAT);
                printer.printRecord(CsvColumns.headers());
                return new CycleFile(path, printer);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot create a CSV file in " + staging
                        + " (relay.csv.staging-folder)", e);
            }
        });
    }

    private static String publishedName(Exchange exchange, boolean replay) {
        String source = exchange.getProperty(Exchanges.SOURCE, String.class);
        Instant started = exchange.getProperty(PollCycle.STARTED, Instant.class);
        return FileNames.safe(source) + (replay ? "-replay-" : "-") + STAMP.format(started == null ? Instant.now() : started)
                + ".csv";
    }
}
