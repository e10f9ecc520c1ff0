package io.connectionrelay.core;

import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.app.RelayApplication;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.connectionrelay.support.RelayTestSupport;
import io.connectionrelay.support.SizedCruxPayload;
import io.connectionrelay.support.UpstreamBody.Framing;
import io.connectionrelay.support.UpstreamBody;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large upstream bodies are spooled under the relay's own data folder (relay.spool.folder), never
 * in /tmp, and what a killed process left there is deleted at the next start, unless another
 * running process still holds it. The relay runs as its own Camel Main here, as a process would.
 */
class SpoolFolderTest {

    @TempDir
    Path data;

    private UpstreamBody crux;
    private Main main;

    @BeforeEach
    void startUpstream() throws IOException {
        crux = new UpstreamBody();
    }

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
        crux.close();
    }

    Path spool() {
        return data.resolve("spool");
    }

    void startRelay() throws Exception {
        main = new Main();
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        RelayTestSupport.dataFolders(data).forEach(main::addOverrideProperty);
        main.addOverrideProperty("relay.once", "true");
        main.addOverrideProperty("relay.sources", "crux-a");
        main.addOverrideProperty("relay.source.crux-a.vendor", "crux");
        main.addOverrideProperty("relay.source.crux-a.base-url", crux.baseUrl());
        main.addOverrideProperty("relay.source.crux-a.token", "fixed-token-123");
        main.addOverrideProperty("relay.routing.active", "csv");
        main.addOverrideProperty("relay.routing.pending", "csv");
        main.addOverrideProperty("relay.routing.inactive", "csv");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.bind("relayClock", Clock.fixed(RelayTestSupport.NOW, ZoneOffset.UTC));
        RelayApplication.configure(main.configure());
        main.start();
    }

    List<String> spoolEntries() throws IOException {
        if (!Files.isDirectory(spool())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(spool())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void whatAKilledProcessLeftIsDeletedAtStartAndAFolderInUseIsKept() throws Exception {
        // a process killed mid-cycle: its folder with a spooled payload, and its lock file nobody holds
        Path killed = Files.createDirectories(spool().resolve("4242-deadbeef"));
        Files.writeString(killed.resolve("cos123.tmp"), "[{\"contact\":{\"email\":\"someone@example.com\"}}]");
        Files.createFile(spool().resolve("4242-deadbeef.lock"));
        // one killed before it created its folder, and one with no lock file at all
        Files.createFile(spool().resolve("4343-00000000.lock"));
        Files.createDirectories(spool().resolve("connection-relay-spool-old"));
        // another relay process that is running: it holds its lock
        Path running = Files.createDirectories(spool().resolve("777-cafebabe"));
        Files.writeString(running.resolve("cos456.tmp"), "in use");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                spool().resolve("777-cafebabe.lock").toString()).redirectErrorStream(true).start();
        try {
            assertThat(new String(other.getInputStream().readNBytes("locked".length()))).isEqualTo("locked");

            startRelay();

            Path own = main.getCamelContext().getStreamCachingStrategy().getSpoolDirectory().toPath();
            String ownName = own.getFileName().toString();
            assertThat(own.getParent()).isEqualTo(spool().toAbsolutePath());
            assertThat(spoolEntries()).containsExactlyInAnyOrder("777-cafebabe", "777-cafebabe.lock", ownName,
                    ownName + ".lock");
            assertThat(running.resolve("cos456.tmp")).exists();

            main.stop();
            main = null;
            assertThat(spoolEntries()).as("a clean stop removes its own folder")
                    .containsExactlyInAnyOrder("777-cafebabe", "777-cafebabe.lock");
        } finally {
            other.getOutputStream().close();
            other.waitFor(10, TimeUnit.SECONDS);
            other.destroy();
        }
    }

    @Test
    void aBodyOverOneMegabyteIsSpooledUnderTheDataFolder() throws Exception {
        startRelay();
        Path own = main.getCamelContext().getStreamCachingStrategy().getSpoolDirectory().toPath();
        assertThat(own.getParent()).isEqualTo(spool().toAbsolutePath());
        Path body = data.resolve("2mb.json");
        try (OutputStream out = Files.newOutputStream(body)) {
            // 20 records of about 100 KB: the spooling matters here, not the record count
            new SizedCruxPayload(100_000).write(out, 2 * 1024 * 1024);
        }
        crux.answer(body, Framing.CHUNKED);

        List<String> spooled = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            own.register(watch, StandardWatchEventKinds.ENTRY_CREATE);

            assertThat(OneShotRun.run(main.getCamelContext())).isZero();

            WatchKey key = watch.poll(5, TimeUnit.SECONDS);
            assertThat(key).as("a file was spooled in " + own).isNotNull();
            for (WatchEvent<?> event : key.pollEvents()) {
                spooled.add(event.context().toString());
            }
        }
        assertThat(spooled).isNotEmpty();
        try (Stream<Path> left = Files.list(own)) {
            assertThat(left).as("the spooled body is deleted when its cycle is done").isEmpty();
        }
    }
}
