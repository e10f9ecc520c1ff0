package io.connectionrelay.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;

import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import io.connectionrelay.support.SizedCruxPayload;
import io.connectionrelay.support.UpstreamBody.Framing;
import io.connectionrelay.support.UpstreamBody;
import org.apache.camel.builder.AdviceWith;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A Crux answer of every size and framing, from a real HTTP server: camel-http hands a body of up
 * to 8 KB with a Content-Length over as byte[], anything larger or chunked as a stream cache
 * (spooled to disk past 1 MB). Every complete array is delivered whatever its form; every body that
 * is not one (empty, truncated anywhere, a runaway field) fails its cycle in every place an
 * operator looks: the exit code and summary of --once, the metrics, readiness, and one dead letter
 * with the reason.
 */
class UpstreamBodyTest {

    static final Path BODIES = Path.of("target", "upstream-bodies");
    static final SizedCruxPayload PAYLOAD = new SizedCruxPayload(0);

    static UpstreamBody crux;

    @BeforeAll
    static void startUpstream() throws IOException {
        crux = new UpstreamBody();
        Files.createDirectories(BODIES);
    }

    @AfterAll
    static void stopUpstream() {
        crux.close();
    }

    abstract static class BodyCase extends RelayTestSupport {



        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, crux.baseUrl());
            serveManagementPort(p);
        }

        CsvExports csv() {
            return CsvExports.in(dataDir().resolve("out/csv"));
        }

        /** The connection ids of one published CSV, in row order. */
        static List<String> rows(Path file) throws IOException {
            List<String> ids = new ArrayList<>();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                    ids.add(row.get("connection_id"));
                }
            }
            return ids;
        }

        /** The CSV the last cycle published: the one file not in {@code before}. */
        Path publishedSince(List<Path> before) throws IOException {
            List<Path> now = new ArrayList<>(csv().files());
            now.removeAll(before);
            assertThat(now).as("CSV files published by the cycle").hasSize(1);
            return now.get(0);
        }

        MetricsScrape scrape() throws Exception {
            return new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
        }

        int readiness() throws Exception {
            return Http.get(managementPort(), "/observe/health/ready").statusCode();
        }

        /**
         * The n-th failed cycle in a row, seen from outside: exit code 1 and the summary saying
         * so, the failure counters, readiness DOWN, and one more dead letter (the poll, with the
         * body it could not use and the reason); no CSV.
         */
        DeadLetterEntry assertFailedCycle(int n, String printed, String reason) throws Exception {
            assertCountedAsFailed(n, printed);
            assertThat(scrape().value("relay_dead_letters_total", "stage", "poll")).hasValue(n);
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries.stream().mapToInt(DeadLetterEntry::occurrences).sum())
                    .as("one failure dead-lettered per cycle; a repeat counts in its entry").isEqualTo(n);
            DeadLetterEntry newest = entries.stream().max(java.util.Comparator.comparing(DeadLetterEntry::failedAt)
                    .thenComparing(DeadLetterEntry::id)).orElseThrow();
            assertThat(newest.stage()).isEqualTo("poll");
            assertThat(newest.source()).isEqualTo("crux-a");
            assertThat(newest.error()).contains(reason);
            return newest;
        }

        /** Exit code 1 (checked by runOnceExpecting), the summary, the metrics, readiness; no CSV. */
        void assertCountedAsFailed(int n, String printed) throws Exception {
            assertThat(printed).contains("Failed cycles per source:\n  crux-a: " + n + "\n")
                    .contains("Result: FAILED");
            MetricsScrape metrics = scrape();
            assertThat(metrics.value("relay_cycle_consecutive_failures", "source", "crux-a")).hasValue(n);
            assertThat(metrics.value("relay_cycles_total", "source", "crux-a", "outcome", "failure")).hasValue(n);
            assertThat(readiness()).isEqualTo(503);
            assertThat(csv().files()).isEmpty();
        }

        /** Runs --once's cycle and returns what it printed. */
        String runOnceExpecting(int exitCode) throws Exception {
            PrintStream out = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                assertThat(runOnce()).as("exit code").isEqualTo(exitCode);
            } finally {
                System.setOut(out);
                // the log lines of the cycle went there too
                out.print(printed.toString(StandardCharsets.UTF_8));
            }
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    @Nested
    class EverySizeAndFraming extends BodyCase {

        @Test
        void everyCompleteArrayFromTwoBytesToOneMegabyteIsDelivered() throws Exception {
            long[] sizes = {2, 3 * 1024, 8191, 8192, 8193, 1 << 20};
            for (Framing framing : Framing.values()) {
                for (long size : sizes) {
                    // past a few KB, records of about 50 KB: the body's form matters here, not the record count
                    SizedCruxPayload payload = size < 10_000 ? PAYLOAD : new SizedCruxPayload(50_000);
                    List<String> ids = new ArrayList<>();
                    byte[] body = payload.bytes(size);
                    assertThat(body).hasSize((int) size);
                    for (int i = 0; i < payload.records(size); i++) {
                        ids.add(SizedCruxPayload.id(i));
                    }
                    List<Path> before = csv().files();
                    crux.answer(body, framing);

                    runOnceExpecting(0);

                    // [] is an account with no connections: its CSV has the header and no rows
                    assertThat(rows(publishedSince(before))).as("%d bytes, %s", size, framing).isEqualTo(ids);
                }
            }
            assertThat(deadLetters().list()).isEmpty();
            assertThat(scrape().value("relay_cycle_consecutive_failures", "source", "crux-a")).hasValue(0);
            assertThat(scrape().value("relay_cycles_total", "source", "crux-a", "outcome", "success"))
                    .hasValue(2 * sizes.length);
        }

        @Test
        void aHundredMegabytesStreamThroughWithOrWithoutContentLength() throws Exception {
            // records of about 500 KB, so 100 MB is 200 records: the whole path, not a long pipeline run
            SizedCruxPayload large = new SizedCruxPayload(500_000);
            long size = 100L * 1024 * 1024;
            Path file = BODIES.resolve("100mb.json");
            List<String> ids;
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
                ids = large.write(out, size);
            }
            assertThat(Files.size(file)).isEqualTo(size);
            try {
                for (Framing framing : Framing.values()) {
                    List<Path> before = csv().files();
                    crux.answer(file, framing);

                    runOnceExpecting(0);

                    assertThat(rows(publishedSince(before))).as(framing.name()).isEqualTo(ids);
                }
            } finally {
                Files.delete(file);
            }
            assertThat(deadLetters().list()).isEmpty();
        }
    }

    abstract static class FailureCase extends BodyCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            // readiness shows each failed cycle at once; the count of 3 is OperationsEndpointsTest's
            p.put("relay.health.failed-cycles-threshold", "1");
        }
    }

    @Nested
    class FailedCycles extends FailureCase {

        @Test
        void anEmptyBodyIsMalformedWhateverItsFraming() throws Exception {
            assertThat(readiness()).isEqualTo(200);
            int n = 0;
            for (Framing framing : Framing.values()) {
                crux.answer(new byte[0], framing);

                DeadLetterEntry entry = assertFailedCycle(++n, runOnceExpecting(1), "empty");

                assertThat(Files.size(deadLetters().payloadOf(entry))).isZero();
            }
            // whatever the framing, the same failure: one entry
            assertThat(deadLetters().list()).singleElement()
                    .satisfies(e -> assertThat(e.occurrences()).isEqualTo(Framing.values().length));
        }

        @Test
        void aBodyTruncatedAnywhereDeliversNothing() throws Exception {
            byte[] whole = PAYLOAD.bytes(20 * 1024);
            // the ends, both sides of camel-http's 8 KB byte[] threshold, and random places between
            TreeSet<Integer> cuts = new TreeSet<>(List.of(1, 2, 8191, 8192, 8193, whole.length - 1));
            Random random = new Random(9);
            while (cuts.size() < 12) {
                cuts.add(1 + random.nextInt(whole.length - 1));
            }
            int n = 0;
            for (int cut : cuts) {
                byte[] truncated = java.util.Arrays.copyOf(whole, cut);
                crux.answer(truncated, Framing.CONTENT_LENGTH);

                DeadLetterEntry entry = assertFailedCycle(++n, runOnceExpecting(1), "MalformedPayloadException");

                assertThat(Files.readAllBytes(deadLetters().payloadOf(entry))).as("cut at %d", cut)
                        .isEqualTo(truncated);
            }
        }

        @Test
        void aFiftyMegabyteFieldIsDeadLetteredWithTheReason() throws Exception {
            Path file = BODIES.resolve("50mb-field.json");
            // a good connection, then one with a 50 MB string: nothing of the payload may be delivered
            byte[] good = PAYLOAD.bytes(4000);
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
                out.write(good, 0, good.length - 1);
                out.write(',');
                PAYLOAD.writeRecordWithField(out, 99, 50L * 1024 * 1024);
                out.write(']');
            }
            crux.answer(file, Framing.CHUNKED);
            try {
                DeadLetterEntry entry = assertFailedCycle(1, runOnceExpecting(1), "more than the 1048576");

                assertThat(Files.size(deadLetters().payloadOf(entry))).isEqualTo(Files.size(file));
            } finally {
                Files.delete(file);
            }
        }
    }

    @Nested
    class AnExceptionNoHandlerNames extends FailureCase {

        @Override
        public boolean isUseAdviceWith() {
            return true;
        }

        @Test
        void failsTheCycleAfterItsRecordsWentThroughAndIsDeadLettered() throws Exception {
            AdviceWith.adviceWith(context, "poll-crux-a", route -> route.weaveByToUri("direct:cycle-end").before()
                    .process(e -> {
                        throw new IllegalStateException("a step nobody foresaw failed");
                    }));
            context.start();
            crux.answer(PAYLOAD.bytes(3 * 1024), Framing.CONTENT_LENGTH);

            // the records went to the CSV channel before the failure: the cycle's file is discarded
            assertFailedCycle(1, runOnceExpecting(1), "IllegalStateException: a step nobody foresaw failed");
        }
    }

    @Nested
    class AFailureWhoseDeadLetterCannotBeWritten extends FailureCase {

        @Test
        void stillCountsAsAFailedCycle() throws Exception {
            // after startup checked it, a file takes the folder's place: the store cannot write there
            Path folder = dataDir().resolve("dead-letter");
            Files.deleteIfExists(folder);
            Files.writeString(folder, "not a folder");
            crux.answer(new byte[0], Framing.CONTENT_LENGTH);

            assertCountedAsFailed(1, runOnceExpecting(1));
        }
    }
}
