package io.connectionrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the relay while a poll cycle is in flight, as a SIGTERM does: a real Camel Main in
 * scheduled mode (timers on), camel.main.shutdown-timeout as configured, WireMock sending the
 * connections slowly.
 */
class GracefulShutdownTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path data;

    private Main main;

    @AfterEach
    void stopMain() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void aCycleStillRunningAtTheTimeoutIsAbandonedAndPublishesNothing() throws Exception {
        slowConnections(Duration.ofSeconds(20));
        start(1, "10ms", "1h");
        awaitPollInFlight();

        long started = System.nanoTime();
        main.stop();
        Duration stopping = Duration.ofNanos(System.nanoTime() - started);

        // one second of grace, then Camel forces the routes down: far sooner than the 20 s body
        assertThat(stopping).isLessThan(Duration.ofSeconds(10));
        assertThat(files(data.resolve("out/csv"))).isEmpty();
        assertThat(files(data.resolve("dead-letter"))).isEmpty();
    }

    @Test
    void aCycleThatEndsWithinTheTimeoutFinishesAndNoNewCycleStarts() throws Exception {
        slowConnections(Duration.ofSeconds(2));
        // a timer that would fire again at once if it were still running
        start(30, "10ms", "100ms");
        awaitPollInFlight();

        main.stop();

        List<Path> published = files(data.resolve("out/csv"));
        assertThat(published).singleElement().satisfies(csv -> assertThat(Files.readString(csv, StandardCharsets.UTF_8))
                .isEqualTo(Fixtures.text("expected/crux-hostile.csv")));
        assertThat(files(data.resolve("staging/csv"))).isEmpty();
        crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)));
    }

    @Test
    void aRestartDiscardsTheStagedFileOfAnInterruptedCycle() throws Exception {
        Path staging = Files.createDirectories(data.resolve("staging/csv"));
        Files.writeString(staging.resolve("crux-a-1795435200000-ABC.csv.part"), "source,vendor\r\ncrux-a,crux\r\n");
        Files.writeString(staging.resolve("notes.txt"), "not ours");

        start(30, "1h", "1h");

        assertThat(files(staging)).extracting(p -> p.getFileName().toString()).containsExactly("notes.txt");
        assertThat(files(data.resolve("out/csv"))).isEmpty();
    }

    private void slowConnections(Duration over) {
        crux.stubFor(get(CONNECTIONS).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text("crux-connections-hostile.json"))
                .withChunkedDribbleDelay(20, (int) over.toMillis())));
    }

    private void start(int shutdownTimeoutSeconds, String initialDelay, String period) throws Exception {
        main = new Main();
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        main.bind("relayClock", Clock.fixed(RelayTestSupport.NOW, ZoneOffset.UTC));
        main.addOverrideProperty("camel.main.shutdown-timeout", String.valueOf(shutdownTimeoutSeconds));
        main.addOverrideProperty("camel.server.enabled", "false");
        for (String status : new String[] {"active", "pending", "inactive"}) {
            main.addOverrideProperty("relay.routing." + status, "csv");
        }
        main.addOverrideProperty("relay.sources", "crux-a");
        main.addOverrideProperty("relay.source.crux-a.vendor", "crux");
        main.addOverrideProperty("relay.source.crux-a.base-url", crux.baseUrl());
        main.addOverrideProperty("relay.source.crux-a.token", "fixed-token-123");
        main.addOverrideProperty("relay.source.crux-a.initial-delay", initialDelay);
        main.addOverrideProperty("relay.source.crux-a.period", period);
        RelayTestSupport.dataFolders(data).forEach(main::addOverrideProperty);
        RelayApplication.configure(main.configure());
        main.start();
    }

    private void awaitPollInFlight() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !crux.getAllServeEvents().isEmpty());
    }

    private static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }
}
