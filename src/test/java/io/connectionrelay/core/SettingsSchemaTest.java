package io.connectionrelay.core;

import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.SettingsSchema;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The declared settings match the settings reference (docs/settings.md), the shipped configuration
 * passes its own checks, and durations take the documented form only.
 */
class SettingsSchemaTest {

    static final Pattern TABLE_ROW = Pattern.compile("^\\| `((?:relay|camel)\\.[^`]+)` \\|", Pattern.MULTILINE);

    @Test
    void everySettingInTheReferenceIsDeclaredAndEveryDeclaredOneIsInTheReference() throws IOException {
        Set<String> documented = documented();
        Set<String> declared = SettingsSchema.SETTINGS.stream().map(SettingsSchema.Declared::key)
                .collect(Collectors.toSet());

        assertThat(declared).containsExactlyInAnyOrderElementsOf(documented);
    }

    /** The keys in the settings reference's tables, with their {@code <name>} and {@code <id>} as written. */
    static Set<String> documented() throws IOException {
        String reference = Files.readString(Path.of("docs/settings.md"));
        return TABLE_ROW.matcher(reference).results().map(m -> m.group(1)).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "prod"})
    void theShippedConfigurationPassesItsChecks(String profile) {
        Properties deployment = new Properties();
        if (profile.equals("prod")) {
            // what the prod profile documents as required from the environment (email is routed)
            deployment.put("relay.email.from", "Relay <relay@example.com>");
            deployment.put("relay.email.smtp.host", "smtp.example.com");
        }

        assertThat(SettingsSchema.problems(settings(profile, deployment))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "prod"})
    void theShippedConfigurationSetsNothingTheRelayDoesNotRead(String profile) {
        assertThat(SettingsSchema.unread(settings(profile, new Properties()), Map.of())).isEmpty();
    }

    @Test
    void aMistypedSettingIsNamedWhetherInAFileOrTheEnvironment() {
        Properties deployment = new Properties();
        deployment.put("relay.sources", "crux-eu");
        deployment.put("relay.source.crux-eu.periode", "15m");
        deployment.put("relay.source.crux-us.period", "15m");

        assertThat(SettingsSchema.unread(settings("prod", deployment), Map.of(
                "RELAY_EMAIL_SMTP_FROM", "x", "RELAY_SOURCE_CRUX_EU_PERIOD", "5m", "RELAY_PROFILE", "prod",
                "PATH", "/bin")))
                .containsExactly("relay.source.crux-eu.periode", "relay.source.crux-us.period", "RELAY_EMAIL_SMTP_FROM");
    }

    @Test
    void aDisabledSourceNeedsNothingMoreThanItsSwitch() {
        Properties deployment = new Properties();
        deployment.put("relay.sources", "old");
        deployment.put("relay.source.old.enabled", "false");
        deployment.put("relay.routing.pending", "csv");

        assertThat(SettingsSchema.problems(settings("prod", deployment))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"200ms,200", "2s,2000", "1m,60000", "1h,3600000", "1h30m,5400000", "1d,86400000", "0s,0",
            "1m30s,90000", "0,0"})
    void durationsTakeTheDocumentedForm(String text, long millis) {
        assertThat(Settings.parseDuration(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"20", "00", "-5s", "2 s", "1.5s", "PT5S", "5x", "2S", "s", "ms", "1s1h"})
    void anythingElseIsNotADuration(String text) {
        assertThat(Settings.parseDuration(text)).isEmpty();
    }

    private static Settings settings(String profile, Properties deployment) {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation(RelayApplication.propertyLocations(profile));
        context.getPropertiesComponent().setOverrideProperties(deployment);
        return new Settings(context);
    }
}
