package io.connectionrelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;

import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.deadletter.DeadLetterFolder;
import io.connectionrelay.ops.RunSummary;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * Boots the real relay (config/application.properties, the YAML routes in routes/, the Java
 * routes) with per-test overrides, in one-shot mode so no timer fires behind a test's back.
 * Every test gets its own data folder; subclasses add settings in {@link #testProperties}.
 */
public abstract class RelayTestSupport extends CamelMainTestSupport {

    /** 2026-11-23T12:00:00Z: records' ages are computed against this. */
    public static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private Path dataDir;
    private int managementPort;

    /** This test's own data folder; created on first use (Camel's base class asks before our constructor runs). */
    protected Path dataDir() {
        if (dataDir == null) {
            try {
                dataDir = Files.createTempDirectory("relay-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataDir;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:config/application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        RelayApplication.configure(configuration);
    }

    /**
     * The fixed clock must be in the registry before Camel Main runs RelayConfiguration, which
     * hands the clock to the beans; bindToRegistry runs too late for that with CamelMainTestSupport.
     */
    @Override
    protected Registry createCamelRegistry() {
        Registry registry = new DefaultRegistry();
        registry.bind("relayClock", Clock.fixed(NOW, ZoneOffset.UTC));
        return registry;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.put("relay.once", "true");
        properties.putAll(dataFolders(dataDir()));
        properties.put("relay.upstream.retry.initial-delay", "50ms");
        properties.put("relay.upstream.retry.max-delay", "2s");
        properties.put("camel.server.enabled", "false");
        // SEDA consumers (webhook queues) notice a stop within 0.1 s instead of 1 s
        properties.put("camel.component.seda.default-poll-timeout", "100");
        // every status to csv unless the test routes otherwise: the shared table also names email
        // and webhook, which (rightly) refuse to start without their settings
        routeEverythingTo(properties, "csv");
        testProperties(properties);
        return properties;
    }

    /**
     * Everything the relay writes, under one folder: out/csv, staging/csv, dead-letter, spool, and
     * the state database in state/. Also for tests that start Camel Main themselves.
     */
    public static Map<String, String> dataFolders(Path data) {
        return Map.of(
                "relay.spool.folder", data.resolve("spool").toString(),
                "relay.csv.folder", data.resolve("out/csv").toString(),
                "relay.csv.staging-folder", data.resolve("staging/csv").toString(),
                "relay.dead-letter.folder", data.resolve("dead-letter").toString(),
                "relay.state.jdbc-url", "jdbc:h2:file:" + data.resolve("state/relay").toAbsolutePath());
    }

    /** One Crux source, crux-a, on a fixed token (fixed-token-123), polling the given address. */
    protected static void cruxSource(Properties properties, String baseUrl) {
        properties.put("relay.sources", "crux-a");
        properties.put("relay.source.crux-a.vendor", "crux");
        properties.put("relay.source.crux-a.base-url", baseUrl);
        properties.put("relay.source.crux-a.token", "fixed-token-123");
    }

    /** Every canonical status routed to the same channels. */
    protected static void routeEverythingTo(Properties properties, String channels) {
        properties.put("relay.routing.active", channels);
        properties.put("relay.routing.pending", channels);
        properties.put("relay.routing.inactive", channels);
    }

    /** Settings for this test class: sources, routing, channel targets. */
    protected abstract void testProperties(Properties properties);

    /**
     * The management port of a test that serves it, on loopback. Chosen on first use, which is
     * while the context is being built, before the subclass's fields are initialised.
     */
    protected int managementPort() {
        if (managementPort == 0) {
            managementPort = Http.freePort();
        }
        return managementPort;
    }

    /**
     * A command (--dead-letters, --replay) as a new process runs it beside this relay: a fresh
     * Camel Main on the shipped configuration over the same folders and database, with changes on
     * top; it does not serve the management port the relay may hold.
     */
    protected Main commandProcess(Properties changes) {
        Properties properties = useOverridePropertiesWithPropertiesComponent();
        properties.put("camel.server.enabled", "false");
        properties.putAll(changes);
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        main.setOverrideProperties(properties);
        main.bind("relayClock", Clock.fixed(NOW, ZoneOffset.UTC));
        RelayApplication.configure(main.configure());
        return main;
    }

    /**
     * A state database that every process opens, as PostgreSQL is (an in-memory H2 of this JVM
     * stands in for it), for tests that run a {@link #commandProcess} beside the running relay: an
     * embedded H2 file and the connection history beside it admit one process.
     */
    protected void shareStateDatabase(Properties properties) {
        properties.put("relay.state.jdbc-url", "jdbc:h2:mem:" + dataDir().getFileName() + ";DB_CLOSE_DELAY=-1");
    }

    /** Serves readiness, /observe/metrics and /trace on {@link #managementPort()}. */
    protected void serveManagementPort(Properties properties) {
        properties.put("camel.server.enabled", "true");
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("camel.server.port", String.valueOf(managementPort()));
    }

    /** Runs one cycle of every source as --once does and returns its exit code. */
    protected int runOnce() throws InterruptedException {
        return OneShotRun.run(context);
    }

    protected RunSummary summary() {
        return context.getRegistry().lookupByNameAndType("runSummary", RunSummary.class);
    }

    protected DeadLetterFolder deadLetters() {
        return context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterFolder.class);
    }
}
