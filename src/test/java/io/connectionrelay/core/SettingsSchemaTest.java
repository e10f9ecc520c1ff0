package io.connectionrelay.core;

import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.app.SettingForms;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.SettingsSchema;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
    /** A row's setting and its default column. */
    private static final Pattern DEFAULT_COLUMN = Pattern.compile(
            "^\\| `((?:relay|camel)\\.[^`]+)` \\| `[A-Z0-9_<>]+` \\|([^|]*)\\|", Pattern.MULTILINE);

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

    /** `5m`, or `csv` (demo: `csv,webhook`): the declared default first, then what a profile sets instead. */
    @Test
    void theReferenceGivesEachSettingItsDeclaredDefault() throws IOException {
        Map<String, String> columns = DEFAULT_COLUMN.matcher(Files.readString(Path.of("docs/settings.md"))).results()
                .collect(Collectors.toMap(m -> m.group(1), m -> m.group(2).trim(), (a, b) -> a));

        Set<String> seen = new HashSet<>();
        // a setting declared twice (relay.state.jdbc-url, stricter in cluster mode) has its default on the first
        List<SettingsSchema.Declared> firsts = SettingsSchema.SETTINGS.stream().filter(d -> seen.add(d.key())).toList();
        for (SettingsSchema.Declared setting : firsts) {
            String column = columns.get(setting.key());
            String byDefault = setting.defaultValue();
            if (byDefault == null) {
                assertThat(column).as(setting.key() + " has no default: its column says what happens instead")
                        .doesNotStartWith("`");
            } else if (byDefault.isEmpty()) {
                assertThat(column).as(setting.key() + " is empty by default").matches("|\\(.*");
            } else {
                String shown = "`" + setting.follows().orElse(byDefault) + "`";
                assertThat(column).as(setting.key() + "'s default").matches(Pattern.quote(shown) + "( \\(.*\\))?");
            }
        }
    }

    @Test
    void everyDefaultPassesItsOwnChecks() {
        Map<String, SettingKind> forms = SettingForms.all();
        for (SettingsSchema.Declared setting : SettingsSchema.SETTINGS) {
            if (setting.defaultValue() != null && !setting.defaultValue().isEmpty() && setting.follows().isEmpty()) {
                SettingKind form = forms.get(setting.key());
                SettingKind kind = form == null ? setting.kind() : setting.kind().and(form);
                assertThat(kind.problem(setting.key(), setting.defaultValue())).as(setting.key()).isEmpty();
            }
        }
    }

    /** config/ sets what differs from the declared default only: a copy of it there could drift apart unnoticed. */
    @Test
    void noConfigurationFileRepeatsADefault() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
                Properties properties = new Properties();
                try (Reader in = Files.newBufferedReader(file)) {
                    properties.load(in);
                }
                properties.stringPropertyNames().forEach(key -> assertThat(SettingsSchema.defaultValue(key))
                        .as(file + " sets " + key + " to its declared default").isNotEqualTo(
                                Optional.of(properties.getProperty(key).trim())));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "prod"})
    void theShippedConfigurationPassesItsChecks(String profile) {
        Properties deployment = new Properties();
        if (profile.equals("prod")) {
            // what the prod profile documents as required from the environment (email is routed)
            deployment.put("relay.sources", "fleet");
            deployment.put("relay.source.fleet.vendor", "terminal");
            deployment.put("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1");
            deployment.put("relay.source.fleet.api-key", "key-123456");
            deployment.put("relay.email.from", "Relay <relay@example.com>");
            deployment.put("relay.email.smtp.host", "smtp.example.com");
        }

        assertThat(SettingsSchema.problems(settings(profile, deployment), SettingForms.all())).isEmpty();
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
        deployment.put("relay.sources", "old,fleet");
        deployment.put("relay.source.old.enabled", "false");
        deployment.put("relay.source.fleet.vendor", "terminal");
        deployment.put("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1");
        deployment.put("relay.source.fleet.api-key", "key-123456");
        deployment.put("relay.routing.pending", "csv");

        assertThat(SettingsSchema.problems(settings("prod", deployment), SettingForms.all())).isEmpty();
    }

    @Test
    void whatOnlyAStageCanReadIsCheckedWithEverythingElse() {
        Properties deployment = new Properties();
        deployment.put("relay.sources", "fleet");
        deployment.put("relay.source.fleet.vendor", "terminal");
        deployment.put("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1");
        deployment.put("relay.source.fleet.api-key", "key-123456");
        deployment.put("relay.vendor.terminal.status-mapping", "connected:ACTIVE,archived:GONE");
        deployment.put("relay.email.from", "ops@example.com, sales@example.com");
        deployment.put("relay.email.smtp.host", "smtp.example.com");
        deployment.put("relay.email.templates-folder", "config");
        deployment.put("relay.webhook.subscribers", "crm");
        deployment.put("relay.webhook.subscriber.crm.url", "https://crm.example.com/hooks");
        deployment.put("relay.webhook.subscriber.crm.secret", "whsec_c2hvcnQ=");
        deployment.put("relay.webhook.subscriber.crm.statuses", "ACTIVE,DELETED");
        deployment.put("relay.webhook.watch-fields", "accountManager.mail");

        assertThat(SettingsSchema.problems(settings("prod", deployment), SettingForms.all())).satisfiesExactly(
                p -> assertThat(p).contains("relay.vendor.terminal.status-mapping (environment variable "
                        + "RELAY_VENDOR_TERMINAL_STATUS_MAPPING) is 'connected:ACTIVE,archived:GONE'",
                        "'archived:GONE' maps to 'GONE', which is not a canonical status"),
                p -> assertThat(p).contains("relay.email.from (environment variable RELAY_EMAIL_FROM)",
                        "one mail address"),
                p -> assertThat(p).contains("relay.email.templates-folder (environment variable "
                        + "RELAY_EMAIL_TEMPLATES_FOLDER) is 'config'", "is missing"),
                p -> assertThat(p).contains("relay.webhook.subscriber.crm.secret (environment variable "
                        + "RELAY_WEBHOOK_SUBSCRIBER_CRM_SECRET) is '****'").doesNotContain("c2hvcnQ"),
                p -> assertThat(p).contains("relay.webhook.subscriber.crm.statuses (environment variable "
                        + "RELAY_WEBHOOK_SUBSCRIBER_CRM_STATUSES) is 'ACTIVE,DELETED'"),
                p -> assertThat(p).contains("relay.webhook.watch-fields (environment variable "
                        + "RELAY_WEBHOOK_WATCH_FIELDS) is 'accountManager.mail'"));
    }

    @Test
    void aRelayWithoutAnEnabledSourceIsMisconfigured() {
        Properties disabled = new Properties();
        disabled.put("relay.sources", "old");
        disabled.put("relay.source.old.enabled", "false");
        disabled.put("relay.routing.pending", "csv");

        assertThat(SettingsSchema.problems(settings("prod", disabled), SettingForms.all())).containsExactly(
                "Setting relay.sources (environment variable RELAY_SOURCES) is 'old' but must be a list with at least "
                        + "one enabled source (every one listed has relay.source.NAME.enabled=false)");
    }

    /** A dot would make relay.source.crux.eu.vendor the setting of source crux, or of crux.eu. */
    @Test
    void aSourceNameIsOneWord() {
        Properties dotted = new Properties();
        dotted.put("relay.sources", "crux.eu");
        dotted.put("relay.source.crux.eu.vendor", "crux");
        dotted.put("relay.source.crux.eu.base-url", "https://api.cruxconnect.com");
        dotted.put("relay.source.crux.eu.token", "t0ken-123");
        dotted.put("relay.routing.pending", "csv");

        assertThat(SettingsSchema.problems(settings("prod", dotted), SettingForms.all())).anySatisfy(p -> assertThat(p)
                .startsWith("Setting relay.sources (environment variable RELAY_SOURCES) is 'crux.eu' but must be "
                        + "source names of letters, digits, '-' and '_'"));
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
