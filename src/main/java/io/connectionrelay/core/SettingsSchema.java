package io.connectionrelay.core;

import static io.connectionrelay.core.SettingKind.BOOLEAN;
import static io.connectionrelay.core.SettingKind.CRON;
import static io.connectionrelay.core.SettingKind.PORT;
import static io.connectionrelay.core.SettingKind.READABLE_FILE;
import static io.connectionrelay.core.SettingKind.TEXT;
import static io.connectionrelay.core.SettingKind.TIME_ZONE;
import static io.connectionrelay.core.SettingKind.URL;
import static io.connectionrelay.core.SettingKind.atLeast;
import static io.connectionrelay.core.SettingKind.duration;
import static io.connectionrelay.core.SettingKind.oneOf;
import static io.connectionrelay.core.SettingKind.wholeIn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting the relay reads, declared once like a Kamelet's parameters: its key, what values it
 * takes, when it applies and when it must be set. {@link #problems} checks them all at startup,
 * before anything is built, and returns every problem at once, each naming the setting and its
 * environment variable. A key with {@code <name>} is one per source in relay.sources, with
 * {@code <id>} one per subscriber in relay.webhook.subscribers. The settings reference (docs/settings.md)
 * lists the same keys (SettingsSchemaTest holds the two together).
 */
public final class SettingsSchema {

    /** When a declared setting applies or is required; prefix is the instance's (relay.source.crux-eu.). */
    interface Condition extends BiPredicate<Settings, String> {
    }

    /** A declared setting; requiredWhy is null for an optional one, and says what it is for otherwise. */
    public record Declared(String key, SettingKind kind, Condition applies, Condition required, String requiredWhy) {

        Declared when(Condition condition) {
            return new Declared(key, kind, condition, required, requiredWhy);
        }

        Declared required(String why) {
            return requiredWhen((s, p) -> true, why);
        }

        Declared requiredWhen(Condition condition, String why) {
            return new Declared(key, kind, applies, condition, why);
        }
    }

    private static final Condition ALWAYS = (s, p) -> true;
    private static final Duration MILLISECOND = Duration.ofMillis(1);

    private static final Condition SOURCE_ENABLED = (s, p) -> isTrue(s, p + "enabled", true);
    private static final Condition CRUX_WITHOUT_TOKEN = (s, p) -> SOURCE_ENABLED.test(s, p)
            && s.get(p + "vendor").filter("crux"::equals).isPresent() && s.get(p + "token").isEmpty();
    private static final Condition TERMINAL = (s, p) -> SOURCE_ENABLED.test(s, p)
            && s.get(p + "vendor").filter("terminal"::equals).isPresent();
    private static final Condition SFTP = (s, p) -> s.get("relay.csv.target").filter("sftp"::equals).isPresent();
    private static final Condition EMAIL_ROUTED = (s, p) -> Stream.of("active", "pending", "inactive")
            .anyMatch(status -> s.getList("relay.routing." + status).contains("email"));
    private static final Condition EMAIL_BY_SMTP = (s, p) -> EMAIL_ROUTED.test(s, p)
            && s.get("relay.email.transport", "smtp").equals("smtp");
    private static final Condition CLUSTER = (s, p) -> isTrue(s, "relay.cluster.enabled", false);
    private static final Condition CRON_WINDOW = (s, p) -> s.get("relay.email.window").filter("cron"::equals).isPresent();

    private static final String CRUX_LOGIN = "Crux source <name> needs either relay.source.<name>.token or a "
            + "username and password";

    static final List<Declared> SETTINGS = List.of(
            // sources
            setting("relay.sources", TEXT),
            setting("relay.source.<name>.vendor", oneOf("crux", "terminal")).when(SOURCE_ENABLED)
                    .required("which vendor source <name> polls (crux or terminal)"),
            setting("relay.source.<name>.base-url", URL).when(SOURCE_ENABLED)
                    .required("the API address source <name> polls"),
            setting("relay.source.<name>.period", duration(MILLISECOND)),
            setting("relay.source.<name>.initial-delay", duration(Duration.ZERO)),
            setting("relay.source.<name>.enabled", BOOLEAN),
            setting("relay.source.<name>.token", TEXT),
            setting("relay.source.<name>.username", TEXT).requiredWhen(CRUX_WITHOUT_TOKEN, CRUX_LOGIN),
            setting("relay.source.<name>.password", TEXT).requiredWhen(CRUX_WITHOUT_TOKEN, CRUX_LOGIN),
            setting("relay.source.<name>.token-ttl", duration(MILLISECOND)),
            setting("relay.source.<name>.our-side", oneOf("retailer", "supplier")),
            setting("relay.source.<name>.api-key", TEXT)
                    .requiredWhen(TERMINAL, "Terminal source <name> needs the application's secret API key"),
            setting("relay.source.<name>.page-limit", atLeast(1)),
            setting("relay.source.<name>.enrich-concurrency", atLeast(1)),
            setting("relay.vendor.crux.status-mapping", TEXT),
            setting("relay.vendor.terminal.status-mapping", TEXT),
            setting("relay.upstream.retry.max-retries", atLeast(0)),
            setting("relay.upstream.retry.initial-delay", duration(Duration.ZERO)),
            setting("relay.upstream.retry.max-delay", duration(Duration.ZERO)),
            setting("camel.component.http.connect-timeout", wholeIn("milliseconds")),
            setting("camel.component.http.connection-request-timeout", wholeIn("milliseconds")),
            setting("camel.component.http.so-timeout", wholeIn("milliseconds")),
            setting("camel.component.http.response-timeout", wholeIn("milliseconds")),
            // enrichment and routing
            setting("relay.enrich.directory-file", READABLE_FILE),
            setting("relay.enrich.default-manager.name", TEXT),
            setting("relay.enrich.default-manager.email", TEXT),
            setting("relay.routing.active", TEXT),
            setting("relay.routing.pending", TEXT),
            setting("relay.routing.inactive", TEXT),
            // csv channel
            setting("relay.csv.target", oneOf("folder", "sftp")),
            setting("relay.csv.folder", TEXT),
            setting("relay.csv.staging-folder", TEXT),
            setting("relay.csv.done-file", BOOLEAN),
            setting("relay.csv.formula-guard", BOOLEAN),
            setting("relay.csv.sftp.host", TEXT).when(SFTP).required("the SFTP server CSV files are uploaded to"),
            setting("relay.csv.sftp.port", PORT).when(SFTP),
            setting("relay.csv.sftp.username", TEXT).when(SFTP).required("the SFTP login"),
            setting("relay.csv.sftp.password", TEXT).when(SFTP).requiredWhen(
                    (s, p) -> s.get("relay.csv.sftp.private-key-file").isEmpty(),
                    "the SFTP login needs a password or relay.csv.sftp.private-key-file (environment variable "
                            + "RELAY_CSV_SFTP_PRIVATE_KEY_FILE)"),
            setting("relay.csv.sftp.private-key-file", READABLE_FILE).when(SFTP),
            setting("relay.csv.sftp.private-key-passphrase", TEXT),
            setting("relay.csv.sftp.directory", TEXT),
            setting("relay.csv.sftp.known-hosts-file", READABLE_FILE).when(SFTP).requiredWhen(
                    (s, p) -> !isTrue(s, "relay.csv.sftp.trust-any-host", false),
                    "the SFTP server's host key is verified against this known_hosts file (ssh-keyscan output); "
                            + "relay.csv.sftp.trust-any-host=true turns verification off"),
            setting("relay.csv.sftp.trust-any-host", BOOLEAN),
            setting("relay.csv.sftp.connect-timeout", duration(MILLISECOND)),
            setting("relay.csv.sftp.socket-timeout", duration(MILLISECOND)),
            setting("relay.csv.sftp.retry.max-retries", atLeast(0)),
            setting("relay.csv.sftp.retry.initial-delay", duration(Duration.ZERO)),
            setting("relay.csv.sftp.retry.max-delay", duration(Duration.ZERO)),
            // email channel
            // cycle: the old name of news, read as news
            setting("relay.email.window", oneOf("news", "cron", "cycle")),
            setting("relay.email.group-wait", duration(Duration.ZERO)),
            setting("relay.email.group-interval", duration(Duration.ZERO)),
            setting("relay.email.repeat-interval", duration(Duration.ZERO)),
            setting("relay.email.schedule", CRON).when(CRON_WINDOW)
                    .required("when digests are sent with relay.email.window=cron"),
            setting("relay.email.time-zone", TIME_ZONE),
            setting("relay.email.transport", oneOf("smtp", "outbox")),
            setting("relay.email.outbox-folder", TEXT),
            setting("relay.email.from", TEXT).requiredWhen(EMAIL_ROUTED,
                    "the From address of digest emails, e.g. Relay <relay@example.com>"),
            setting("relay.email.templates-folder", TEXT),
            setting("relay.email.attach-csv", BOOLEAN),
            setting("relay.email.batch-size", atLeast(1)),
            setting("relay.email.concurrency", atLeast(1)),
            setting("relay.email.smtp.host", TEXT).requiredWhen(EMAIL_BY_SMTP, "the SMTP server digests are sent "
                    + "through (or relay.email.transport=outbox to write .eml files instead)"),
            setting("relay.email.smtp.port", PORT),
            setting("relay.email.smtp.security", oneOf("none", "starttls", "smtps")),
            setting("relay.email.smtp.username", TEXT),
            setting("relay.email.smtp.password", TEXT),
            setting("relay.email.smtp.connect-timeout", duration(MILLISECOND)),
            setting("relay.email.smtp.read-timeout", duration(MILLISECOND)),
            setting("relay.email.retry.max-retries", atLeast(0)),
            setting("relay.email.retry.initial-delay", duration(Duration.ZERO)),
            setting("relay.email.retry.max-delay", duration(Duration.ZERO)),
            // webhook channel
            setting("relay.webhook.subscribers", TEXT),
            setting("relay.webhook.subscriber.<id>.url", URL)
                    .required("where webhook subscriber <id> receives events (https://...)"),
            setting("relay.webhook.subscriber.<id>.secret", TEXT)
                    .required("webhook subscriber <id>'s Standard Webhooks signing secret (whsec_ followed by base64)"),
            setting("relay.webhook.subscriber.<id>.statuses", TEXT),
            setting("relay.webhook.subscriber.<id>.sources", TEXT),
            setting("relay.webhook.subscriber.<id>.timeout", duration(MILLISECOND)),
            setting("relay.webhook.subscriber.<id>.max-retries", atLeast(0)),
            setting("relay.webhook.subscriber.<id>.concurrency", atLeast(1)),
            setting("relay.webhook.watch-fields", TEXT),
            setting("relay.webhook.timeout", duration(MILLISECOND)),
            setting("relay.webhook.max-retries", atLeast(0)),
            setting("relay.webhook.concurrency", atLeast(1)),
            setting("relay.webhook.queue-size", atLeast(1)),
            setting("relay.webhook.retry.initial-delay", duration(Duration.ZERO)),
            setting("relay.webhook.retry.max-delay", duration(Duration.ZERO)),
            setting("relay.webhook.in-flight-timeout", duration(Duration.ofSeconds(1))),
            // state, dead letters, operations
            setting("relay.state.jdbc-url", new SettingKind("a JDBC URL such as jdbc:postgresql://host:5432/relay",
                    v -> v.startsWith("jdbc:"))),
            setting("relay.state.jdbc-url", new SettingKind("a PostgreSQL URL, jdbc:postgresql://host:5432/relay, "
                    + "since relay.cluster.enabled=true (RELAY_CLUSTER_ENABLED) needs a state database every replica "
                    + "shares", v -> v.startsWith("jdbc:postgresql:"))).when(CLUSTER),
            setting("relay.state.username", TEXT),
            setting("relay.state.password", TEXT),
            setting("relay.state.pool-size", atLeast(1)),
            // the pool refuses less than 250 ms
            setting("relay.state.connection-timeout", duration(Duration.ofMillis(250))),
            setting("relay.dead-letter.folder", TEXT),
            setting("relay.dead-letter.stale-claim-after", duration(MILLISECOND)),
            setting("relay.spool.folder", TEXT),
            // several replicas
            setting("relay.cluster.enabled", BOOLEAN),
            setting("relay.cluster.instance-id", TEXT),
            // Quartz's smallest check-in and misfire settings that still make sense
            setting("relay.cluster.checkin-interval", duration(Duration.ofMillis(500))),
            setting("relay.cluster.misfire-threshold", duration(Duration.ofSeconds(1))),
            setting("relay.once.timeout", duration(MILLISECOND)),
            setting("relay.pipeline.chunk-size", atLeast(1)),
            setting("relay.health.failed-cycles-threshold", atLeast(1)),
            setting("relay.log.format", oneOf("text", "json")),
            setting("relay.log.progress-interval", duration(Duration.ZERO)),
            setting("relay.trace.enabled", BOOLEAN),
            setting("relay.trace.retention", duration(MILLISECOND)),
            setting("relay.trace.prune-interval", duration(MILLISECOND)),
            setting("relay.trace.queue-size", atLeast(1)),
            setting("relay.trace.batch-size", atLeast(1)),
            setting("relay.trace.flush-interval", duration(MILLISECOND)),
            setting("relay.trace.full-queue-wait", duration(Duration.ZERO)),
            setting("relay.trace.http-token", TEXT),
            setting("camel.server.enabled", BOOLEAN),
            setting("camel.server.host", TEXT),
            setting("camel.server.port", PORT),
            setting("camel.main.shutdown-timeout", wholeIn("seconds")),
            setting("relay.demo.generated-connections", atLeast(0)));

    /** Read by the relay but not set by an operator: what the main class passes, channel summaries, the demo receiver's. */
    static final Pattern INTERNAL = Pattern.compile(
            "relay\\.(profile|config-dir|once|[a-z-]+\\.summary|demo\\.webhook-receiver\\.[a-z-]+)");
    private static final Pattern INTERNAL_ENV = Pattern.compile(
            "RELAY_(PROFILE|CONFIG_DIR|LOG_LEVEL|ONCE|[A-Z_]+_SUMMARY|DEMO_WEBHOOK_RECEIVER_[A-Z_]+)");

    private SettingsSchema() {
    }

    /**
     * relay.* keys in the files and RELAY_* environment variables that no declared setting reads
     * (a source not in relay.sources counts): most likely a typo, which would otherwise be ignored
     * without a word.
     */
    public static List<String> unread(Settings settings, Map<String, String> environment) {
        Set<String> declared = new HashSet<>();
        for (Declared setting : SETTINGS) {
            for (String instance : instances(settings, setting.key())) {
                declared.add(setting.key().replace("<name>", instance).replace("<id>", instance));
            }
        }
        Set<String> declaredEnv = declared.stream().map(Settings::envName).collect(Collectors.toSet());
        List<String> unread = new ArrayList<>();
        settings.keysInFiles("relay.").stream()
                .filter(k -> !declared.contains(k) && !INTERNAL.matcher(k).matches()).forEach(unread::add);
        environment.keySet().stream().filter(k -> k.startsWith("RELAY_")).sorted()
                .filter(k -> !declaredEnv.contains(k) && !INTERNAL_ENV.matcher(k).matches()).forEach(unread::add);
        return unread;
    }

    /** Every problem with the settings, in declaration order; empty when the relay can start. */
    public static List<String> problems(Settings settings) {
        List<String> problems = new ArrayList<>();
        for (Declared setting : SETTINGS) {
            for (String instance : instances(settings, setting.key())) {
                String key = setting.key().replace("<name>", instance).replace("<id>", instance);
                String prefix = key.substring(0, key.lastIndexOf('.') + 1);
                check(settings, setting, key, prefix, instance).ifPresent(problems::add);
            }
        }
        return problems;
    }

    private static Optional<String> check(Settings settings, Declared setting, String key, String prefix,
            String instance) {
        Optional<String> value;
        try {
            if (!setting.applies().test(settings, prefix)) {
                return Optional.empty();
            }
            value = settings.get(key);
        } catch (RuntimeException e) {
            // a placeholder in the value that nothing sets, or a condition that read such a value
            return Optional.of("Setting " + key + " (environment variable " + Settings.envName(key)
                    + ") cannot be read: " + e.getMessage());
        }
        if (value.isEmpty()) {
            return setting.requiredWhy() != null && setting.required().test(settings, prefix)
                    ? Optional.of(Settings.missing(key, setting.requiredWhy().replace("<name>", instance)
                            .replace("<id>", instance)).getMessage())
                    : Optional.empty();
        }
        if (setting.kind().accepts().test(value.get())) {
            return Optional.empty();
        }
        // a secret's value is never repeated, not even a wrong one
        String shown = SecretMasker.isSecretKey(key) ? SecretMasker.MASK : value.get();
        return Optional.of(Settings.invalid(key, shown, setting.kind().expected()).getMessage());
    }

    private static List<String> instances(Settings settings, String key) {
        if (key.contains("<name>")) {
            return settings.getList("relay.sources");
        }
        if (key.contains("<id>")) {
            return settings.getList("relay.webhook.subscribers");
        }
        return List.of("");
    }

    private static Declared setting(String key, SettingKind kind) {
        return new Declared(key, kind, ALWAYS, ALWAYS, null);
    }

    private static boolean isTrue(Settings settings, String key, boolean fallback) {
        return settings.get(key).flatMap(Settings::parseBoolean).orElse(fallback);
    }
}
