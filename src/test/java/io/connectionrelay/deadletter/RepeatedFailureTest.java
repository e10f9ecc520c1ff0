package io.connectionrelay.deadletter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.RecordMappingException;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import io.connectionrelay.trace.TraceEvent;
import io.connectionrelay.trace.TraceStore;
import io.connectionrelay.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A record that fails the same way in every cycle is one entry in the dead-letter folder, counted,
 * not one more per cycle: cycles run on the shipped configuration against a Crux source in
 * WireMock whose payload holds an element no status mapping knows.
 */
class RepeatedFailureTest extends RelayTestSupport {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final List<String> IDS = List.of("c3081fd8-202b-47f2-9347-63d3c27028f1",
            "6b062210-6f5f-45bb-bf9a-100574368013");
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    protected void testProperties(Properties p) {
        serveManagementPort(p);
        cruxSource(p, crux.baseUrl());
        p.put("relay.upstream.retry.max-retries", "0");
        shareStateDatabase(p);
    }

    @Test
    void aRecordFailingTheSameWayEveryCycleIsOneEntryCounted() throws Exception {
        serveUnmappable(1);
        assertThat(runOnce()).isEqualTo(1);
        DeadLetterEntry first = deadLetters().list().get(0);
        assertThat(runOnce()).isEqualTo(1);
        assertThat(runOnce()).isEqualTo(1);

        assertThat(filesIn(folder(), ".json")).hasSize(1);
        assertThat(filesIn(folder(), ".payload")).hasSize(1);
        DeadLetterEntry entry = deadLetters().list().get(0);
        assertThat(entry.id()).isEqualTo(first.id());
        assertThat(entry.occurrences()).isEqualTo(3);
        assertThat(entry.attempts()).isEqualTo(3);
        assertThat(entry.replays()).isZero();
        assertThat(entry.firstFailedAt()).isEqualTo(first.firstFailedAt());
        assertThat(entry.failedAt()).isAfter(first.failedAt());
        assertThat(entry.error()).contains("unknown vendor status 'SUSPENDED'");
        assertThat(Files.readString(deadLetters().payloadOf(entry))).contains(IDS.get(1));

        MetricsScrape metrics = new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
        // labelled with the store, which replicas sharing it report alike (ops/prometheus/alerts.yml)
        assertThat(metrics.value("relay_dead_letter_entries", "store",
                deadLetters().location())).hasValue(1);
        assertThat(metrics.value("relay_dead_letters_total", "stage", "normalize")).hasValue(3);

        // each cycle's trace says it was dead-lettered, into the one entry
        assertThat(context.getRegistry().lookupByNameAndType("traceWriter", TraceWriter.class)
                .awaitWritten(Duration.ofSeconds(10))).isTrue();
        List<TraceEvent> history = context.getRegistry().lookupByNameAndType("traceStore", TraceStore.class)
                .history(IDS.get(1), 100);
        assertThat(history).hasSize(3).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("dead-lettered");
            assertThat(e.detail()).containsEntry("deadLetterId", entry.id());
        });
        assertThat(history).extracting(TraceEvent::cycle).doesNotHaveDuplicates();

        String listing = listInNewProcess();
        assertThat(listing).contains("1 dead-letter entry", entry.id(), "occurrences=3", "attempts=3",
                "last=" + entry.failedAt());
    }

    @Test
    void twoRecordsFailingTheSameWayAreTwoEntries() throws Exception {
        serveUnmappable(0, 1);
        assertThat(runOnce()).isEqualTo(1);
        assertThat(runOnce()).isEqualTo(1);

        assertThat(filesIn(folder(), ".json")).hasSize(2);
        List<DeadLetterEntry> entries = deadLetters().list();
        assertThat(entries).hasSize(2).allSatisfy(e -> assertThat(e.occurrences()).isEqualTo(2));
        assertThat(entries).extracting(DeadLetterEntry::fingerprint).doesNotHaveDuplicates();
        assertThat(Files.readString(deadLetters().payloadOf(entries.get(0))))
                .isNotEqualTo(Files.readString(deadLetters().payloadOf(entries.get(1))));
    }

    /** The same poll failing for another reason is another failure; the first keeps its count. */
    @Test
    void aDifferentReasonIsANewEntry() throws Exception {
        crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThat(runOnce()).isEqualTo(1);
        assertThat(runOnce()).isEqualTo(1);
        assertThat(deadLetters().list()).singleElement().satisfies(e -> assertThat(e.occurrences()).isEqualTo(2));

        crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        assertThat(runOnce()).isEqualTo(1);

        assertThat(filesIn(folder(), ".json")).hasSize(2);
        assertThat(deadLetters().list()).extracting(DeadLetterEntry::stage, DeadLetterEntry::occurrences)
                .containsExactly(tuple("poll", 2), tuple("poll", 1));
    }

    /**
     * Replaying the counted entry sends the record once; the entry is removed, so the same failure
     * afterwards (the running relay still has the old mapping) is a new entry.
     */
    @Test
    void aCountedEntryIsReplayedOnceAndARecurrenceIsANewEntry() throws Exception {
        serveUnmappable(1);
        assertThat(runOnce()).isEqualTo(1);
        assertThat(runOnce()).isEqualTo(1);
        DeadLetterEntry counted = deadLetters().list().get(0);
        assertThat(counted.occurrences()).isEqualTo(2);

        Properties fixed = new Properties();
        fixed.put("relay.vendor.crux.status-mapping",
                "ACTIVE:ACTIVE,CONFIRMATION WAITING:PENDING,DEACTIVATED:INACTIVE,SUSPENDED:INACTIVE");
        assertThat(replayInNewProcess("--replay", fixed)).isZero();

        assertThat(deadLetters().list()).isEmpty();
        List<Path> replayCsv = filesIn(dataDir().resolve("out/csv"), ".csv").stream()
                .filter(f -> f.getFileName().toString().contains("-replay-")).toList();
        assertThat(replayCsv).singleElement().satisfies(csv -> assertThat(Files.readString(csv).lines())
                .filteredOn(line -> line.contains(IDS.get(1))).hasSize(1));

        assertThat(runOnce()).isEqualTo(1);
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.id()).isNotEqualTo(counted.id());
            assertThat(e.occurrences()).isOne();
            assertThat(e.fingerprint()).isEqualTo(counted.fingerprint());
        });
    }

    /**
     * A replay holds the entry (its claimed file) when the failure happens again: the held file is
     * not touched; the repeat gets an entry of its own, and later repeats count in that one.
     */
    @Test
    void anEntryAReplayHoldsIsNotWrittenByARepeat() throws Exception {
        serveUnmappable(1);
        assertThat(runOnce()).isEqualTo(1);
        DeadLetterEntry held = deadLetters().claim(deadLetters().list().get(0).id()).orElseThrow();
        Path claimedFile = filesIn(folder(), "").stream()
                .filter(f -> f.getFileName().toString().startsWith(held.id() + ".json.claimed-")).findFirst().orElseThrow();
        byte[] before = Files.readAllBytes(claimedFile);

        assertThat(runOnce()).isEqualTo(1);
        assertThat(runOnce()).isEqualTo(1);

        assertThat(Files.readAllBytes(claimedFile)).isEqualTo(before);
        assertThat(deadLetters().list()).hasSize(2);
        DeadLetterEntry repeat = deadLetters().list().stream().filter(e -> !e.id().equals(held.id())).findFirst()
                .orElseThrow();
        assertThat(repeat.occurrences()).isEqualTo(2);
        deadLetters().release(held);
        assertThat(deadLetters().list()).extracting(DeadLetterEntry::occurrences).containsExactlyInAnyOrder(1, 2);
    }

    /** Threads dead-lettering the same failure at once: one entry counts them all; other failures stay apart. */
    @Test
    void concurrentRepeatsAreCountedInOneEntry() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> writes = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String element = i % 2 == 0 ? "{\"uuid\":\"same\"}" : "{\"uuid\":\"other-" + i + "\"}";
                writes.add(() -> deadLetters().write(new DeadLetter("normalize", "normalize-crux", "crux-a", null,
                        new RecordMappingException("unknown vendor status 'SUSPENDED'"), 1, element,
                        "direct:normalize-crux", Map.of("relayCycle", "cycle-" + element.hashCode()), Map.of(), null,
                        null)));
            }
            for (Future<Boolean> written : threads.invokeAll(writes)) {
                assertThat(written.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(filesIn(folder(), ".json")).hasSize(41);
        assertThat(deadLetters().list()).extracting(DeadLetterEntry::occurrences)
                .filteredOn(n -> n > 1).containsExactly(40);
    }

    /** The Crux fixture with the elements at these indexes in a status nobody maps. */
    private static void serveUnmappable(int... indexes) throws Exception {
        ArrayNode connections = (ArrayNode) JSON.readTree(Fixtures.text("crux-connections.json"));
        for (int index : indexes) {
            ((ObjectNode) connections.get(index)).put("status", "SUSPENDED");
        }
        crux.stubFor(get(CONNECTIONS).willReturn(okJson(JSON.writeValueAsString(connections))));
    }

    private Path folder() {
        return dataDir().resolve("dead-letter");
    }

    private static List<Path> filesIn(Path folder, String ending) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(ending)).sorted().toList();
        }
    }

    /** --dead-letters as a new process runs it, its output. */
    private String listInNewProcess() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThat(DeadLetterCommands.run(commandProcess(new Properties()), null)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private int replayInNewProcess(String flag, Properties changes) throws Exception {
        return DeadLetterCommands.run(commandProcess(changes), flag);
    }

}
