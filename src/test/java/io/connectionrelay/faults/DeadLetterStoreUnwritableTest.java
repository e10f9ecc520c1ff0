package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter folder stops taking writes while the relay runs (replaced by a file: that holds
 * for root too, unlike chmod). Failing to store a failure is itself a failure: --once says so and
 * exits 1, readiness goes DOWN, a metric counts it, the log says it once, and the events that
 * could not be parked are detected again, so once the folder is back nothing is lost.
 */
class DeadLetterStoreUnwritableTest extends FaultCase {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    /** Health and metrics over HTTP, as an orchestrator and Prometheus see them. */
    @Override
    protected void fault(Properties p) {
        serveManagementPort(p);
    }

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLog() {
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        root.detachAppender(log);
    }

    @Test
    void failuresThatCannotBeStoredFailTheRunAndAreDeliveredOnceTheFolderIsBack() throws Exception {
        Path folder = dataDir().resolve("dead-letter");
        assertThat(readiness().statusCode()).isEqualTo(200);
        Files.delete(folder);
        Files.writeString(folder, "not a folder");
        upstreamAnswers(connections());
        subscriberAnswers(aResponse().withStatus(410).withBody("gone"));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = runOnce();
        } finally {
            System.setOut(stdout);
        }

        assertThat(exit).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Failures NOT stored", "deliver: " + payload.size())
                .contains("Result: FAILED");
        HttpResponse<String> ready = readiness();
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("DOWN");
        assertThat(Http.get(managementPort(), "/observe/health?exposureLevel=full").body()).contains("relay-dead-letter-store");
        MetricsScrape metrics = new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
        assertThat(metrics.value("relay_dead_letter_write_failures_total", "stage", "deliver"))
                .hasValue(payload.size());
        List<ILoggingEvent> errors = log.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("relay.dead-letter.folder", "RELAY_DEAD_LETTER_FOLDER", "NOT in the store"));
        assertThat(log.list).as("no stack trace for a write that failed").noneMatch(e -> e.getThrowableProxy() != null);

        // the folder is back and the subscriber too: the events were not parked, so the next run sends them
        Files.delete(folder);
        subscriberRecovers();
        HttpResponse<String> back = readiness();
        assertThat(back.statusCode()).as("a probe write succeeds again: %s", back.body()).isEqualTo(200);
        // (its exit code would count this process's earlier failures too: a real --once is a new process)
        runOnce();
        assertThat(deadLetters().list()).isEmpty();
        assertThat(webhooks().delivered()).containsExactlyInAnyOrderElementsOf(payload.keys(SOURCE));
        assertThat(readiness().statusCode()).isEqualTo(200);
    }

    @TempDir
    Path elsewhere;

    /** Checked at startup too: a folder that cannot exist stops the relay before it polls anything. */
    @Test
    void aFolderThatCannotBeWrittenStopsStartupAndNamesTheSetting() throws Exception {
        Path file = Files.writeString(elsewhere.resolve("a-file"), "not a folder");
        try (ChildRelay.Run relay = ChildRelay.in(elsewhere)
                .set("relay.dead-letter.folder", file.resolve("dead-letter").toString())
                .set("relay.sources", SOURCE)
                .set("relay.source." + SOURCE + ".vendor", "crux")
                .set("relay.source." + SOURCE + ".base-url", crux.baseUrl())
                .set("relay.source." + SOURCE + ".token", "fixed-token-123")
                .set("relay.routing.active", "csv").set("relay.routing.pending", "csv").set("relay.routing.inactive", "csv")
                .start("--once")) {
            assertThat(relay.awaitExit(120)).isNotZero();
            assertThat(relay.output()).contains("relay.dead-letter.folder", "RELAY_DEAD_LETTER_FOLDER",
                    "a folder the relay can write to");
        }
        assertThat(crux.getAllServeEvents()).as("nothing polled").isEmpty();
    }

    private HttpResponse<String> readiness() throws Exception {
        return Http.get(managementPort(), "/observe/health/ready");
    }
}
