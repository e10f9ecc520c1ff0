package io.connectionrelay.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.DeliveryInvariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real relay process gets a SIGTERM in the middle of a long cycle (every connection's details
 * call is slow) and camel.main.shutdown-timeout is too short for the rest of it. The cycle is
 * abandoned: nothing of it reaches the dead-letter store, because the next cycle polls every
 * record again, and the next run delivers everything once.
 */
class StopPastTimeoutTest {

    static final String SOURCE = "term-a";
    static final int CONNECTIONS = 600;

    @TempDir
    Path data;

    @Test
    void anAbandonedCycleLeavesNothingToReplayAndTheNextRunDeliversEverything() throws Exception {
        try (SlowTerminalApi terminal = new SlowTerminalApi(CONNECTIONS, 20)) {
            ChildRelay relay = relay(terminal);
            try (ChildRelay.Run scheduled = relay.start()) {
                // well into the cycle: hundreds of records still to go, seconds past the 2 s timeout
                await().atMost(Duration.ofSeconds(120)).until(() -> terminal.detailsServed() >= 60);
                scheduled.terminate();
                scheduled.awaitExit(60);
                assertThat(terminal.detailsServed()).as("the cycle was still running at the stop")
                        .isLessThan(CONNECTIONS);
                assertThat(deadLetterEntries()).as("dead letters after the stop; output:\n%s", scheduled.output())
                        .isEmpty();
            }
            assertThat(CsvExports.in(data.resolve("out/csv")).files()).as("the abandoned cycle published nothing")
                    .isEmpty();

            // the next run needs no slow upstream: it only has to deliver everything
            terminal.detailsDelay(0);
            try (ChildRelay.Run once = relay.start("--once")) {
                assertThat(once.awaitExit(300)).as(once.output()).isZero();
            }
            List<Path> published = CsvExports.in(data.resolve("out/csv")).files();
            assertThat(published).hasSize(1);
            DeliveryInvariant.forRecords(terminal.keys(SOURCE))
                    .observedBy(CsvExports.in(data.resolve("out/csv")))
                    .deadLettersIn(data.resolve("dead-letter"))
                    .assertEverythingDelivered();
            assertThat(Files.readAllLines(published.get(0))).hasSize(CONNECTIONS + 1);
        }
    }

    private ChildRelay relay(SlowTerminalApi terminal) {
        return ChildRelay.in(data)
                .set("camel.main.shutdown-timeout", "2")
                .set("relay.sources", SOURCE)
                .set("relay.source." + SOURCE + ".vendor", "terminal")
                .set("relay.source." + SOURCE + ".base-url", terminal.baseUrl())
                .set("relay.source." + SOURCE + ".api-key", "sk_test_terminal_9f8e7d6c5b4a")
                .set("relay.source." + SOURCE + ".page-limit", "100")
                .set("relay.source." + SOURCE + ".enrich-concurrency", "2")
                .set("relay.source." + SOURCE + ".initial-delay", "100ms")
                .set("relay.source." + SOURCE + ".period", "1h")
                .set("relay.routing.active", "csv")
                .set("relay.routing.pending", "csv")
                .set("relay.routing.inactive", "csv");
    }

    private List<Path> deadLetterEntries() throws IOException {
        Path folder = data.resolve("dead-letter");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().contains(".json")).toList();
        }
    }
}
