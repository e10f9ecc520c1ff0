package io.connectionrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectionrelay.support.ChildRelay;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that read (--dead-letters, --trace) as an operator runs them: the real main class
 * in its own JVM on the prod profile. They print what was asked, not the summary a run logs when
 * it starts, and a command missing its argument is a usage error (exit 2).
 */
class ReadingCommandsTest {

    static final String RUN_SUMMARY = "connection-relay started";

    @TempDir
    Path work;

    @Test
    void deadLettersListsTheStoreWithoutTheSummaryOfARun() throws Exception {
        try (ChildRelay.Run run = deployment().start("--dead-letters")) {
            assertThat(run.awaitExit(120)).isZero();
            assertThat(run.output()).contains("0 dead-letter entries in " + work.resolve("dead-letter").toAbsolutePath())
                    .doesNotContain(RUN_SUMMARY).doesNotContain("mode:").doesNotContain("SIGTERM");
        }
    }

    @Test
    void traceWithoutAConnectionIdIsAUsageError() throws Exception {
        try (ChildRelay.Run run = deployment().start("--trace")) {
            assertThat(run.awaitExit(120)).isEqualTo(2);
            assertThat(run.output()).contains("Usage: --trace <connection-id> [--json]").doesNotContain(RUN_SUMMARY);
        }
    }

    @Test
    void traceOfAConnectionPrintsItsHistoryOnly() throws Exception {
        try (ChildRelay.Run run = deployment().start("--trace", "conn-never-seen", "--json")) {
            assertThat(run.awaitExit(120)).isZero();
            assertThat(run.output().trim()).isEqualTo("[ ]");
        }
    }

    /** A prod deployment that could run: one source, nothing routed to email. */
    private ChildRelay deployment() {
        return ChildRelay.in(work)
                .set("relay.sources", "fleet")
                .set("relay.source.fleet.vendor", "terminal")
                .set("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1")
                .set("relay.source.fleet.api-key", "key-123456")
                .set("relay.routing.pending", "csv")
                .set("relay.routing.inactive", "csv");
    }
}
