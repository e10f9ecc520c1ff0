package io.connectionrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A setting's default is declared once, in SettingsSchema, and reaches every reader: Settings in
 * the code, placeholders in routes/ and config/, and Camel Main's own camel.* options. Whatever
 * sets the key wins over it: an override, an environment variable, the profile's file, the shared
 * file, even Camel's initial properties.
 */
class SettingDefaultsTest {

    @TempDir
    Path data;

    private Main main;

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void whatNothingSetsTakesTheDeclaredDefaultEverywhere() {
        CamelContext context = startProd();
        Settings settings = new Settings(context);

        assertThat(settings.getInt("relay.email.batch-size")).isEqualTo(500);
        assertThat(context.resolvePropertyPlaceholders("{{relay.email.batch-size}}")).isEqualTo("500");
        assertThat(settings.getDuration("relay.source.fleet.period")).hasMinutes(5);
        // a subscriber's timeout is relay.webhook.timeout's unless it sets its own
        assertThat(settings.getString("relay.webhook.subscriber.crm.timeout")).isEqualTo("10s");
        // Camel Main's own options, which config/ no longer repeats
        HttpComponent http = context.getComponent("http", HttpComponent.class);
        assertThat(http.getConnectTimeout()).isEqualTo(5000);
        assertThat(http.getSoTimeout()).isEqualTo(30_000);
        assertThat(context.getShutdownStrategy().getTimeout()).isEqualTo(30);
    }

    @Test
    void theFilesWinOverTheDefaultAndTheProfileOverTheSharedFile() throws IOException {
        Path shared = write("application.properties", "relay.email.batch-size = 7", "relay.trace.queue-size = 70",
                "relay.webhook.timeout = 3s", "relay.enrich.directory-file =", "relay.csv.folder =");
        Path profile = write("application-test.properties", "relay.trace.queue-size = 80");
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + profile + ",file:" + shared);
        // Camel's lowest tier, still above a default
        context.getPropertiesComponent().addInitialProperty("relay.pipeline.chunk-size", "50");
        Settings settings = new Settings(context);

        assertThat(settings.getInt("relay.email.batch-size")).isEqualTo(7);
        assertThat(context.resolvePropertyPlaceholders("{{relay.email.batch-size}}")).isEqualTo("7");
        assertThat(settings.getInt("relay.trace.queue-size")).isEqualTo(80);
        assertThat(settings.getString("relay.webhook.subscriber.crm.timeout")).isEqualTo("3s");
        assertThat(settings.getInt("relay.pipeline.chunk-size")).isEqualTo(50);
        assertThat(context.resolvePropertyPlaceholders("{{relay.pipeline.chunk-size}}")).isEqualTo("50");
        // blank switches off what is on by default; where off means nothing, blank is the default
        assertThat(settings.get("relay.enrich.directory-file")).isEmpty();
        assertThat(settings.getString("relay.csv.folder")).isEqualTo("data/out/csv");
    }

    @Test
    void aBlankSettingThatAnotherFollowsGivesItsDefaultToBoth() throws IOException {
        Path shared = write("application.properties", "relay.webhook.timeout =", "relay.source.fleet.page-limit =");
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + shared);
        Settings settings = new Settings(context);

        assertThat(settings.getString("relay.webhook.timeout")).isEqualTo("10s");
        assertThat(settings.get("relay.webhook.subscriber.crm.timeout")).hasValue("10s");
        assertThat(settings.getString("relay.source.fleet.page-limit")).isEqualTo("100");
    }

    @Test
    void anEnvironmentVariableWinsOverTheFilesAndTheDefault() throws Exception {
        Path shared = write("application.properties", "relay.email.batch-size = 7");

        List<String> printed = probe(Map.of("RELAY_EMAIL_BATCH_SIZE", "9", "RELAY_TRACE_QUEUE_SIZE", "123",
                "RELAY_SOURCE_FLEET_PERIOD", "7m"), shared,
                "relay.email.batch-size", "relay.trace.queue-size", "relay.source.fleet.period", "relay.once.timeout");

        assertThat(printed).containsExactly(
                "relay.email.batch-size 9 9", "relay.trace.queue-size 123 123", "relay.source.fleet.period 7m",
                "relay.once.timeout 10m 10m");
    }

    private CamelContext startProd() {
        main = new Main();
        main.setPropertyPlaceholderLocations(RelayApplication.propertyLocations("prod"));
        main.addInitialProperty("relay.profile", "prod");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("relay.once", "true");
        Map.of("relay.sources", "fleet", "relay.source.fleet.vendor", "terminal",
                "relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1",
                "relay.source.fleet.api-key", "key-123456", "relay.routing.pending", "csv",
                "relay.routing.inactive", "csv").forEach(main::addOverrideProperty);
        RelayTestSupport.dataFolders(data).forEach(main::addOverrideProperty);
        RelayApplication.configure(main.configure());
        main.start();
        return main.getCamelContext();
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(data.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }

    /** Runs SettingsProbe in its own JVM with these environment variables: one line per key. */
    private List<String> probe(Map<String, String> env, Path file, String... keys) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SettingsProbe.class.getName(), "file:" + file));
        command.addAll(List.of(keys));
        Path out = data.resolve("probe.out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(out).stream().filter(l -> l.startsWith("relay.")).toList();
        assertThat(process.exitValue()).as(String.join(File.separator, Files.readAllLines(out))).isZero();
        return lines;
    }
}
