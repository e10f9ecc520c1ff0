package io.connectionrelay.app;

import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.connectionrelay.deliver.csv.CsvTarget;
import io.connectionrelay.deliver.email.EmailRetryConfiguration;
import io.connectionrelay.deliver.webhook.WebhookRetryConfiguration;
import io.connectionrelay.deliver.webhook.WebhookRoutes;
import io.connectionrelay.poll.SourceInstances;
import io.connectionrelay.poll.UpstreamFetchRoutes;
import io.connectionrelay.trace.TraceRoutes;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.MainConfigurationProperties;

/**
 * What every way of starting the relay shares (the main class, one-shot runs, the tests): which
 * configuration files to read for a profile, the configuration class, and the Java DSL routes.
 * The YAML routes come from routes/ on the file system, listed in config/application.properties.
 */
public final class RelayApplication {

    public static final String DEFAULT_PROFILE = "demo";

    private RelayApplication() {
    }

    /** RELAY_PROFILE or -Drelay.profile; demo when neither is set, so a bare run needs nothing. */
    public static String profile() {
        String profile = System.getProperty("relay.profile", System.getenv("RELAY_PROFILE"));
        return profile == null || profile.isBlank() ? DEFAULT_PROFILE : profile.trim().toLowerCase(Locale.ROOT);
    }

    public static String configDir() {
        String dir = System.getProperty("relay.config-dir", System.getenv("RELAY_CONFIG_DIR"));
        return dir == null || dir.isBlank() ? "config" : dir.trim();
    }

    /**
     * The profile's file comes first because Camel keeps the first value it reads for a key: the
     * profile's values win over the shared file's, and environment variables win over both. A
     * missing folder or an unknown profile is refused here, naming the variable that chose it.
     */
    public static String propertyLocations(String profile) {
        Path dir = Path.of(configDir());
        Path shared = dir.resolve("application.properties");
        Path own = dir.resolve("application-" + profile + ".properties");
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add("Configuration folder " + dir.toAbsolutePath() + " does not exist (set by RELAY_CONFIG_DIR "
                    + "or -Drelay.config-dir; config in the working folder when neither is set)");
        } else {
            if (!Files.isReadable(shared)) {
                problems.add("Configuration folder " + dir.toAbsolutePath() + " has no readable application.properties "
                        + "(folder set by RELAY_CONFIG_DIR or -Drelay.config-dir)");
            }
            if (!Files.isReadable(own)) {
                problems.add("Unknown profile '" + profile + "' (RELAY_PROFILE or -Drelay.profile): there is no "
                        + own.toAbsolutePath() + "; profiles in that folder: " + profiles(dir)
                        + " (folder set by RELAY_CONFIG_DIR or -Drelay.config-dir)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return "file:" + own + ",file:" + shared;
    }

    private static String profiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            String names = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("application-") && n.endsWith(".properties"))
                    .map(n -> n.substring("application-".length(), n.length() - ".properties".length()))
                    .sorted().collect(Collectors.joining(", "));
            return names.isEmpty() ? "none" : names;
        } catch (IOException e) {
            return "none readable";
        }
    }

    /** The settings of a profile without starting Camel: for commands that only read the state database. */
    public static Settings settingsOnly(String profile) {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation(propertyLocations(profile));
        context.getPropertiesComponent().addInitialProperty("relay.profile", profile);
        return new Settings(context);
    }

    public static void configure(MainConfigurationProperties main) {
        main.addConfiguration(RelayConfiguration.class);
        RoutingCheck routingCheck = new RoutingCheck();
        main.addConfiguration(routingCheck);
        main.addMainListener(routingCheck);
        main.addRoutesBuilder(new FailurePolicies());
        main.addRoutesBuilder(new EmailRetryConfiguration());
        main.addRoutesBuilder(new UpstreamFetchRoutes());
        main.addRoutesBuilder(new SourceInstances());
        main.addRoutesBuilder(new ConnectionPipeline());
        main.addRoutesBuilder(new CsvTarget());
        main.addRoutesBuilder(new WebhookRetryConfiguration());
        main.addRoutesBuilder(new WebhookRoutes());
        main.addRoutesBuilder(new TraceRoutes());
    }
}
