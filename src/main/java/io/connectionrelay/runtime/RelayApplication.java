package io.connectionrelay.runtime;

import java.util.Locale;

import io.connectionrelay.app.ConnectionPipeline;
import io.connectionrelay.app.FailurePolicies;
import io.connectionrelay.deliver.csv.CsvTarget;
import io.connectionrelay.deliver.email.EmailRetryConfiguration;
import io.connectionrelay.deliver.webhook.WebhookRetryConfiguration;
import io.connectionrelay.deliver.webhook.WebhookRoutes;
import io.connectionrelay.poll.SourceInstances;
import io.connectionrelay.poll.UpstreamFetchRoutes;
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
     * profile's values win over the shared file's, and environment variables win over both.
     */
    public static String propertyLocations(String profile) {
        String dir = configDir();
        return "file:" + dir + "/application-" + profile + ".properties,file:" + dir + "/application.properties";
    }

    public static void configure(MainConfigurationProperties main) {
        main.addConfiguration(RelayConfiguration.class);
        main.addRoutesBuilder(new FailurePolicies());
        main.addRoutesBuilder(new EmailRetryConfiguration());
        main.addRoutesBuilder(new UpstreamFetchRoutes());
        main.addRoutesBuilder(new SourceInstances());
        main.addRoutesBuilder(new ConnectionPipeline());
        main.addRoutesBuilder(new CsvTarget());
        main.addRoutesBuilder(new WebhookRetryConfiguration());
        main.addRoutesBuilder(new WebhookRoutes());
    }
}
