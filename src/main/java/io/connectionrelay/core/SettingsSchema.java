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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
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

    /**
     * A declared setting; requiredWhy is null for an optional one, and says what it is for otherwise.
     * defaultValue is its value when nothing sets it (null: none); {@code {{other.key}}} means other.key's value.
     */
    public record Declared(String key, SettingKind kind, Condition applies, Condition required, String requiredWhy,
            String defaultValue) {

        Declared when(Condition condition) {
            return new Declared(key, kind, condition, required, requiredWhy, defaultValue);
        }

        Declared required(String why) {
            return requiredWhen((s, p) -> true, why);
        }

        Declared requiredWhen(Condition condition, String why) {
            return new Declared(key, kind, applies, condition, why, defaultValue);
        }

        Declared byDefault(String value) {
            return new Declared(key, kind, applies, required, requiredWhy, value);
        }

        /** The setting whose value this one takes when nothing sets it, if its default names one. */
        public Optional<String> follows() {
            Matcher m = defaultValue == null ? null : REFERENCE.matcher(defaultValue);
            return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
        }

        boolean isPerInstance() {
            return key.contains("<");
        }

        /** relay.source.crux-eu.period is relay.source.<name>.period: segment by segment, <name> and <id> any one. */
        boolean matches(String concreteKey) {
            String[] declared = key.split("\\.");
            String[] concrete = concreteKey.split("\\.", -1);
            if (declared.length != concrete.length) {
                return false;
            }
            for (int i = 0; i < declared.length; i++) {
                if (!declared[i].startsWith("<") && !declared[i].equals(concrete[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{([a-z0-9.-]+)}}");
    private static final Condition ALWAYS = (s, p) -> true;
    private static final Duration MILLISECOND = Duration.ofMillis(1);

    private static final Condition SOURCE_ENABLED = (s, p) -> isTrue(s, p + "enabled");
    private static final Condition CRUX_WITHOUT_TOKEN = (s, p) -> SOURCE_ENABLED.test(s, p)
            && s.get(p + "vendor").filter("crux"::equals).isPresent() && s.get(p + "token").isEmpty();
    private static final Condition TERMINAL = (s, p) -> SOURCE_ENABLED.test(s, p)
            && s.get(p + "vendor").filter("terminal"::equals).isPresent();
    private static final Condition SFTP = (s, p) -> s.get("relay.csv.target").filter("sftp"::equals).isPresent();
    private static final Condition EMAIL_ROUTED = (s, p) -> Stream.of("active", "pending", "inactive")
            .anyMatch(status -> s.getList("relay.routing." + status).contains("email"));
    private static final Condition EMAIL_BY_SMTP = (s, p) -> EMAIL_ROUTED.test(s, p)
            && s.getString("relay.email.transport").equals("smtp");
    private static final Condition CLUSTER = (s, p) -> isTrue(s, "relay.cluster.enabled");
    private static final Condition CRON_WINDOW = (s, p) -> s.get("relay.email.window").filter("cron"::equals).isPresent();

    private static final String CRUX_LOGIN = "Crux source <name> needs either relay.source.<name>.token or a "
            + "username and password";

    static final List<Declared> SETTINGS = List.of(
            // sources
            setting("relay.sources", SettingKind.of("source names of letters, digits, '-' and '_' (each names its "
                    + "relay.source.NAME.* settings, routes and files)", names -> Settings.parseList(names).stream()
                            .allMatch(name -> name.matches("[A-Za-z0-9_-]{1,64}")))).required("the sources to poll, by name (crux-eu,fleet), each set up by its "
                    + "relay.source.NAME.* settings: a relay without an enabled source has nothing to do"),
            setting("relay.source.<name>.vendor", oneOf("crux", "terminal")).when(SOURCE_ENABLED)
                    .required("which vendor source <name> polls (crux or terminal)"),
            setting("relay.source.<name>.base-url", URL).when(SOURCE_ENABLED)
                    .required("the API address source <name> polls"),
            setting("relay.source.<name>.period", duration(MILLISECOND)).byDefault("5m"),
            setting("relay.source.<name>.initial-delay", duration(Duration.ZERO)).byDefault("2s"),
            setting("relay.source.<name>.enabled", BOOLEAN).byDefault("true"),
            setting("relay.source.<name>.token", TEXT),
            setting("relay.source.<name>.username", TEXT).requiredWhen(CRUX_WITHOUT_TOKEN, CRUX_LOGIN),
            setting("relay.source.<name>.password", TEXT).requiredWhen(CRUX_WITHOUT_TOKEN, CRUX_LOGIN),
            setting("relay.source.<name>.token-ttl", duration(MILLISECOND)).byDefault("110m"),
            setting("relay.source.<name>.our-side", oneOf("retailer", "supplier")).byDefault("retailer"),
            setting("relay.source.<name>.api-key", TEXT)
                    .requiredWhen(TERMINAL, "Terminal source <name> needs the application's secret API key"),
            setting("relay.source.<name>.page-limit", atLeast(1)).byDefault("100"),
            setting("relay.source.<name>.enrich-concurrency", atLeast(1)).byDefault("4"),
            setting("relay.vendor.crux.status-mapping", TEXT)
                    .byDefault("ACTIVE:ACTIVE,CONFIRMATION WAITING:PENDING,DEACTIVATED:INACTIVE"),
            setting("relay.vendor.terminal.status-mapping", TEXT)
                    .byDefault("connected:ACTIVE,disconnected:PENDING,archived:INACTIVE,pending_deletion:INACTIVE"),
            setting("relay.upstream.retry.max-retries", atLeast(0)).byDefault("5"),
            setting("relay.upstream.retry.initial-delay", duration(Duration.ZERO)).byDefault("1s"),
            setting("relay.upstream.retry.max-delay", duration(Duration.ZERO)).byDefault("30s"),
            setting("camel.component.http.connect-timeout", wholeIn("milliseconds")).byDefault("5000"),
            setting("camel.component.http.connection-request-timeout", wholeIn("milliseconds")).byDefault("5000"),
            setting("camel.component.http.so-timeout", wholeIn("milliseconds")).byDefault("30000"),
            setting("camel.component.http.response-timeout", wholeIn("milliseconds")).byDefault("30000"),
            // enrichment and routing
            setting("relay.enrich.directory-file", READABLE_FILE).byDefault("config/account-managers.csv"),
            setting("relay.enrich.default-manager.name", TEXT).byDefault("Partner Operations"),
            setting("relay.enrich.default-manager.email", TEXT).byDefault("partner-ops@example.com"),
            setting("relay.routing.active", TEXT).byDefault("csv"),
            setting("relay.routing.pending", TEXT).byDefault("email"),
            setting("relay.routing.inactive", TEXT).byDefault("webhook"),
            // csv channel
            setting("relay.csv.target", oneOf("folder", "sftp")).byDefault("folder"),
            setting("relay.csv.folder", TEXT).byDefault("data/out/csv"),
            setting("relay.csv.staging-folder", TEXT).byDefault("data/staging/csv"),
            setting("relay.csv.done-file", BOOLEAN).byDefault("false"),
            setting("relay.csv.formula-guard", BOOLEAN).byDefault("true"),
            setting("relay.csv.sftp.host", TEXT).when(SFTP).required("the SFTP server CSV files are uploaded to"),
            setting("relay.csv.sftp.port", PORT).when(SFTP).byDefault("22"),
            setting("relay.csv.sftp.username", TEXT).when(SFTP).required("the SFTP login"),
            setting("relay.csv.sftp.password", TEXT).when(SFTP).requiredWhen(
                    (s, p) -> s.get("relay.csv.sftp.private-key-file").isEmpty(),
                    "the SFTP login needs a password or relay.csv.sftp.private-key-file (environment variable "
                            + "RELAY_CSV_SFTP_PRIVATE_KEY_FILE)")
                    // empty rather than none: the endpoint reads it by name (#property:)
                    .byDefault(""),
            setting("relay.csv.sftp.private-key-file", READABLE_FILE).when(SFTP),
            setting("relay.csv.sftp.private-key-passphrase", TEXT).byDefault(""),
            setting("relay.csv.sftp.directory", TEXT).byDefault(""),
            setting("relay.csv.sftp.known-hosts-file", READABLE_FILE).when(SFTP).requiredWhen(
                    (s, p) -> !isTrue(s, "relay.csv.sftp.trust-any-host"),
                    "the SFTP server's host key is verified against this known_hosts file (ssh-keyscan output); "
                            + "relay.csv.sftp.trust-any-host=true turns verification off"),
            setting("relay.csv.sftp.trust-any-host", BOOLEAN).byDefault("false"),
            setting("relay.csv.sftp.connect-timeout", duration(MILLISECOND)).byDefault("10s"),
            setting("relay.csv.sftp.socket-timeout", duration(MILLISECOND)).byDefault("60s"),
            setting("relay.csv.sftp.retry.max-retries", atLeast(0)).byDefault("5"),
            setting("relay.csv.sftp.retry.initial-delay", duration(Duration.ZERO)).byDefault("2s"),
            setting("relay.csv.sftp.retry.max-delay", duration(Duration.ZERO)).byDefault("1m"),
            // email channel
            // cycle: the old name of news, read as news
            setting("relay.email.window", oneOf("news", "cron", "cycle")).byDefault("news"),
            setting("relay.email.group-wait", duration(Duration.ZERO)).byDefault("30s"),
            setting("relay.email.group-interval", duration(Duration.ZERO)).byDefault("5m"),
            setting("relay.email.repeat-interval", duration(Duration.ZERO)).byDefault("24h"),
            setting("relay.email.schedule", CRON).when(CRON_WINDOW)
                    .required("when digests are sent with relay.email.window=cron").byDefault("0 0 8 ? * MON-FRI"),
            setting("relay.email.time-zone", TIME_ZONE).byDefault("UTC"),
            setting("relay.email.transport", oneOf("smtp", "outbox")).byDefault("smtp"),
            setting("relay.email.outbox-folder", TEXT).byDefault("data/out/outbox"),
            setting("relay.email.from", TEXT).requiredWhen(EMAIL_ROUTED,
                    "the From address of digest emails, e.g. Relay <relay@example.com>"),
            setting("relay.email.templates-folder", TEXT).when(EMAIL_ROUTED).byDefault("config/templates"),
            setting("relay.email.attach-csv", BOOLEAN).byDefault("false"),
            setting("relay.email.batch-size", atLeast(1)).byDefault("500"),
            setting("relay.email.concurrency", atLeast(1)).byDefault("8"),
            setting("relay.email.smtp.host", TEXT).requiredWhen(EMAIL_BY_SMTP, "the SMTP server digests are sent "
                    + "through (or relay.email.transport=outbox to write .eml files instead)"),
            setting("relay.email.smtp.port", PORT),
            setting("relay.email.smtp.security", oneOf("none", "starttls", "smtps")).byDefault("starttls"),
            setting("relay.email.smtp.username", TEXT),
            setting("relay.email.smtp.password", TEXT),
            setting("relay.email.smtp.connect-timeout", duration(MILLISECOND)).byDefault("10s"),
            setting("relay.email.smtp.read-timeout", duration(MILLISECOND)).byDefault("30s"),
            setting("relay.email.retry.max-retries", atLeast(0)).byDefault("5"),
            setting("relay.email.retry.initial-delay", duration(Duration.ZERO)).byDefault("10s"),
            setting("relay.email.retry.max-delay", duration(Duration.ZERO)).byDefault("5m"),
            // webhook channel
            setting("relay.webhook.subscribers", TEXT).byDefault(""),
            setting("relay.webhook.subscriber.<id>.url", URL)
                    .required("where webhook subscriber <id> receives events (https://...)"),
            setting("relay.webhook.subscriber.<id>.secret", TEXT)
                    .required("webhook subscriber <id>'s Standard Webhooks signing secret (whsec_ followed by base64)"),
            setting("relay.webhook.subscriber.<id>.statuses", TEXT),
            setting("relay.webhook.subscriber.<id>.sources", TEXT),
            setting("relay.webhook.subscriber.<id>.timeout", duration(MILLISECOND))
                    .byDefault("{{relay.webhook.timeout}}"),
            setting("relay.webhook.subscriber.<id>.max-retries", atLeast(0))
                    .byDefault("{{relay.webhook.max-retries}}"),
            setting("relay.webhook.subscriber.<id>.concurrency", atLeast(1))
                    .byDefault("{{relay.webhook.concurrency}}"),
            setting("relay.webhook.watch-fields", TEXT).byDefault("status"),
            setting("relay.webhook.timeout", duration(MILLISECOND)).byDefault("10s"),
            setting("relay.webhook.max-retries", atLeast(0)).byDefault("5"),
            setting("relay.webhook.concurrency", atLeast(1)).byDefault("20"),
            setting("relay.webhook.queue-size", atLeast(1)).byDefault("10000"),
            setting("relay.webhook.retry.initial-delay", duration(Duration.ZERO)).byDefault("1s"),
            setting("relay.webhook.retry.max-delay", duration(Duration.ZERO)).byDefault("60s"),
            setting("relay.webhook.in-flight-timeout", duration(Duration.ofSeconds(1))).byDefault("15m"),
            // state, dead letters, operations
            setting("relay.state.jdbc-url", SettingKind.of("a JDBC URL such as jdbc:postgresql://host:5432/relay",
                    v -> v.startsWith("jdbc:"))).byDefault("jdbc:h2:file:./data/state/relay"),
            setting("relay.state.jdbc-url", SettingKind.of("a PostgreSQL URL, jdbc:postgresql://host:5432/relay, "
                    + "since relay.cluster.enabled=true (RELAY_CLUSTER_ENABLED) needs a state database every replica "
                    + "shares", v -> v.startsWith("jdbc:postgresql:"))).when(CLUSTER),
            setting("relay.state.username", TEXT).byDefault("relay"),
            setting("relay.state.password", TEXT).byDefault(""),
            setting("relay.state.pool-size", atLeast(1)).byDefault("10"),
            // the pool refuses less than 250 ms
            setting("relay.state.connection-timeout", duration(Duration.ofMillis(250))).byDefault("30s"),
            setting("relay.dead-letter.folder", TEXT).byDefault("data/dead-letter"),
            setting("relay.dead-letter.stale-claim-after", duration(MILLISECOND)).byDefault("1h"),
            setting("relay.spool.folder", TEXT).byDefault("data/spool"),
            // several replicas
            setting("relay.cluster.enabled", BOOLEAN).byDefault("false"),
            setting("relay.cluster.instance-id", TEXT),
            // Quartz's smallest check-in and misfire settings that still make sense
            setting("relay.cluster.checkin-interval", duration(Duration.ofMillis(500))).byDefault("5s"),
            setting("relay.cluster.misfire-threshold", duration(Duration.ofSeconds(1))).byDefault("10s"),
            setting("relay.once.timeout", duration(MILLISECOND)).byDefault("10m"),
            setting("relay.pipeline.chunk-size", atLeast(1)).byDefault("500"),
            setting("relay.health.failed-cycles-threshold", atLeast(1)).byDefault("3"),
            setting("relay.log.format", oneOf("text", "json")).byDefault("text"),
            setting("relay.log.progress-interval", duration(Duration.ZERO)).byDefault("10s"),
            setting("relay.trace.enabled", BOOLEAN).byDefault("true"),
            setting("relay.trace.retention", duration(MILLISECOND)).byDefault("30d"),
            setting("relay.trace.prune-interval", duration(MILLISECOND)).byDefault("1h"),
            setting("relay.trace.queue-size", atLeast(1)).byDefault("20000"),
            setting("relay.trace.batch-size", atLeast(1)).byDefault("10000"),
            setting("relay.trace.flush-interval", duration(MILLISECOND)).byDefault("2s"),
            setting("relay.trace.full-queue-wait", duration(Duration.ZERO)).byDefault("5s"),
            setting("relay.trace.http-token", TEXT),
            setting("camel.server.enabled", BOOLEAN).byDefault("false"),
            setting("camel.server.host", TEXT).byDefault("0.0.0.0"),
            setting("camel.server.port", PORT).byDefault("8080"),
            setting("camel.main.shutdown-timeout", wholeIn("seconds")).byDefault("30"),
            setting("relay.demo.generated-connections", atLeast(0)).byDefault("47"));

    /** Read by the relay but not set by an operator: what the main class passes, channel summaries, the demo receiver's. */
    static final Pattern INTERNAL = Pattern.compile(
            "relay\\.(profile|config-dir|once|command|[a-z-]+\\.summary|demo\\.webhook-receiver\\.[a-z-]+)");
    private static final Pattern INTERNAL_ENV = Pattern.compile(
            "RELAY_(PROFILE|CONFIG_DIR|LOG_LEVEL|ONCE|[A-Z_]+_SUMMARY|DEMO_WEBHOOK_RECEIVER_[A-Z_]+)");

    /** Defaults of what the main class may set: relay.once is true only for --once and the commands. */
    private static final Map<String, String> INTERNAL_DEFAULTS = Map.of("relay.once", "false");

    private SettingsSchema() {
    }

    /** The value a key (relay.source.crux-eu.period, too) takes when nothing sets it, if it has one. */
    public static Optional<String> defaultValue(String key) {
        return SETTINGS.stream().filter(s -> s.defaultValue() != null && s.matches(key)).findFirst()
                .map(Declared::defaultValue).or(() -> Optional.ofNullable(INTERNAL_DEFAULTS.get(key)));
    }

    /** The keys declared for one instance: relay.source.<name>. and crux-eu give relay.source.crux-eu.period, ... */
    public static List<String> instanceKeys(String declaredPrefix, String instance) {
        return SETTINGS.stream().map(Declared::key).filter(k -> k.startsWith(declaredPrefix)).distinct()
                .map(k -> k.replace("<name>", instance).replace("<id>", instance)).toList();
    }

    /** The defaults of every setting that is not per instance, by key: what Camel reads when nothing sets them. */
    static Map<String, String> fixedDefaults() {
        Map<String, String> defaults = new TreeMap<>(INTERNAL_DEFAULTS);
        SETTINGS.stream().filter(s -> s.defaultValue() != null && !s.isPerInstance())
                .forEach(s -> defaults.putIfAbsent(s.key(), s.defaultValue()));
        return defaults;
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

    /**
     * Every problem with the settings, in declaration order; empty when the relay can start. forms
     * are what only the stage that reads a setting can check (a status mapping's pairs, the rows of
     * the directory file, a signing secret), by declared key: a value that passes its declared kind
     * is checked by its stage's form too, so those problems are reported with all the others.
     */
    public static List<String> problems(Settings settings, Map<String, SettingKind> forms) {
        Set<String> undeclared = new TreeSet<>(forms.keySet());
        SETTINGS.forEach(setting -> undeclared.remove(setting.key()));
        if (!undeclared.isEmpty()) {
            throw new IllegalArgumentException("forms of settings nobody declared: " + undeclared);
        }
        List<String> problems = new ArrayList<>();
        for (Declared setting : SETTINGS) {
            SettingKind form = forms.get(setting.key());
            SettingKind kind = form == null ? setting.kind() : setting.kind().and(form);
            for (String instance : instances(settings, setting.key())) {
                String key = setting.key().replace("<name>", instance).replace("<id>", instance);
                String prefix = key.substring(0, key.lastIndexOf('.') + 1);
                check(settings, setting, kind, key, prefix, instance).ifPresent(problems::add);
            }
        }
        noEnabledSource(settings).ifPresent(problems::add);
        return problems;
    }

    /** Sources listed but every one switched off: as idle as none listed, which relay.sources' required catches. */
    private static Optional<String> noEnabledSource(Settings settings) {
        try {
            List<String> sources = settings.getList("relay.sources");
            if (sources.isEmpty() || sources.stream().anyMatch(id -> SOURCE_ENABLED.test(settings, "relay.source." + id + "."))) {
                return Optional.empty();
            }
            return Optional.of(Settings.invalid("relay.sources", String.join(",", sources), "a list with at least one "
                    + "enabled source (every one listed has relay.source.NAME.enabled=false)").getMessage());
        } catch (RuntimeException e) {
            // a value that cannot be read is reported by the declared settings' checks
            return Optional.empty();
        }
    }

    private static Optional<String> check(Settings settings, Declared setting, SettingKind kind, String key,
            String prefix, String instance) {
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
        if (setting.follows().filter(other -> settings.get(other).equals(value)).isPresent()) {
            // the value of the setting it follows, which is checked under that setting's own name
            return Optional.empty();
        }
        return kind.problem(key, value.get());
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
        return new Declared(key, kind, ALWAYS, ALWAYS, null, null);
    }

    /** A condition reads a value that is not true or false as the default: the value's own check reports it. */
    private static boolean isTrue(Settings settings, String key) {
        try {
            return settings.getBoolean(key);
        } catch (ConfigurationException e) {
            return defaultValue(key).flatMap(Settings::parseBoolean).orElse(false);
        }
    }
}
