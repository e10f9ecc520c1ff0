package io.connectionrelay.app;

import io.connectionrelay.app.RelayApplication;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prod profile refuses to start when a deployment forgot a setting, and says which one and
 * under which environment variable, before anything is polled or sent.
 */
class ProdStartupValidationTest {

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
    void aCruxSourceWithoutCredentialsNamesTheSettingsToSet() {
        assertThat(startupFailure(Map.of(
                "relay.sources", "crux-eu",
                "relay.source.crux-eu.vendor", "crux",
                "relay.source.crux-eu.base-url", "https://api.cruxconnect.com",
                "relay.routing.pending", "csv", "relay.routing.inactive", "csv")))
                .contains("relay.source.crux-eu.username")
                .contains("RELAY_SOURCE_CRUX_EU_USERNAME")
                .contains("relay.source.crux-eu.token");
    }

    @Test
    void everyMissingSettingIsNamedInTheSameFailure() {
        assertThat(startupFailure(Map.of("relay.sources", "crux-eu", "relay.source.crux-eu.vendor", "crux")))
                .contains("5 configuration problems")
                .contains("RELAY_SOURCE_CRUX_EU_BASE_URL", "RELAY_SOURCE_CRUX_EU_USERNAME",
                        "RELAY_SOURCE_CRUX_EU_PASSWORD", "RELAY_EMAIL_FROM", "RELAY_EMAIL_SMTP_HOST");
    }

    @Test
    void aSourceWithoutAnAddressNamesIt() {
        assertThat(startupFailure(Map.of(
                "relay.sources", "fleet",
                "relay.source.fleet.vendor", "terminal",
                "relay.source.fleet.api-key", "key-123456",
                "relay.routing.pending", "csv", "relay.routing.inactive", "csv")))
                .contains("relay.source.fleet.base-url")
                .contains("RELAY_SOURCE_FLEET_BASE_URL");
    }

    @Test
    void theDefaultRoutingNeedsEmailSettingsAndSaysSo() {
        assertThat(startupFailure(Map.of("relay.routing.active", "csv", "relay.routing.inactive", "csv")))
                .contains("relay.email.from")
                .contains("RELAY_EMAIL_FROM");
    }

    @Test
    void aRoutingTableNamingAnUnknownChannelNamesTheRoutingSetting() {
        assertThat(startupFailure(Map.of("relay.routing.active", "csv", "relay.routing.pending", "fax",
                "relay.routing.inactive", "csv")))
                .contains("relay.routing.pending")
                .contains("RELAY_ROUTING_PENDING");
    }

    @Test
    void anUnknownLogFormatNamesTheSettingAndTheChoices() {
        assertThat(startupFailure(Map.of("relay.log.format", "xml", "relay.routing.active", "csv",
                "relay.routing.pending", "csv", "relay.routing.inactive", "csv")))
                .contains("relay.log.format", "RELAY_LOG_FORMAT", "'xml'", "text, json");
    }

    @Test
    void clusterModeOnTheEmbeddedDatabaseNamesBothSettings() {
        assertThat(startupFailure(Map.of("relay.cluster.enabled", "true", "relay.routing.active", "csv",
                "relay.routing.pending", "csv", "relay.routing.inactive", "csv")))
                .contains("relay.state.jdbc-url").contains("RELAY_STATE_JDBC_URL")
                .contains("relay.cluster.enabled=true").contains("RELAY_CLUSTER_ENABLED")
                .contains("jdbc:postgresql://");
    }

    @Test
    void aCompleteConfigurationStarts() throws Exception {
        start(Map.of(
                "relay.sources", "crux-eu",
                "relay.source.crux-eu.vendor", "crux",
                "relay.source.crux-eu.base-url", "https://api.cruxconnect.com",
                "relay.source.crux-eu.token", "a-token-from-the-environment",
                "relay.routing.active", "csv", "relay.routing.pending", "csv", "relay.routing.inactive", "csv"));

        assertThat(main.getCamelContext().getRoute("poll-crux-eu")).isNotNull();
    }

    /** The message that stopped startup: the innermost cause, however Camel wrapped it. */
    private String startupFailure(Map<String, String> settings) {
        try {
            start(settings);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return root.getMessage();
        }
        throw new AssertionError("startup should have failed");
    }

    /** Boots the prod profile as RelayMain does, with nothing served or scheduled. */
    private void start(Map<String, String> settings) {
        main = new Main();
        main.setPropertyPlaceholderLocations(RelayApplication.propertyLocations("prod"));
        main.addInitialProperty("relay.profile", "prod");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("relay.once", "true");
        RelayTestSupport.dataFolders(data).forEach(main::addOverrideProperty);
        settings.forEach(main::addOverrideProperty);
        RelayApplication.configure(main.configure());
        main.start();
    }
}
