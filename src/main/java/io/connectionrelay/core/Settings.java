package io.connectionrelay.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/**
 * Typed access to relay.* settings through Camel's properties component, so an environment
 * variable (relay.crux.base-url as RELAY_CRUX_BASE_URL) always wins over the files, and the files
 * over the default SettingsSchema declares. Every error names both the property and its
 * environment variable.
 */
public final class Settings {

    private static final Pattern ANOTHER_SETTING = Pattern.compile("\\{\\{([a-z0-9.<>_-]+)}}");
    public static final String DURATION_FORM = "a duration with a unit, such as 200ms, 30s, 5m or 1h30m";
    /** Units are required (but for 0): a bare 20 reads as seconds to one person and milliseconds to another. */
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};

    private final CamelContext context;

    public Settings(CamelContext context) {
        this.context = context;
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The value the configuration gives key (override, environment variable, system property, the
     * profile's file, the shared file), else its declared default (SettingsSchema); empty when
     * neither has one or the value is blank, which is how an operator switches off what is on by
     * default (relay.enrich.directory-file).
     */
    public Optional<String> get(String key) {
        Optional<String> configured = context.getPropertiesComponent().resolveProperty(key);
        return configured.isPresent() ? configured.flatMap(this::text) : declaredDefault(key).filter(v -> !v.isEmpty());
    }

    /** The value, or the declared default when it is unset or blank. */
    public String getString(String key) {
        return get(key).or(() -> declaredDefault(key)).orElseThrow(() -> missing(key, "it has no default"));
    }

    /**
     * A default that is another setting ({{relay.webhook.timeout}}, a subscriber's) is that
     * setting's value, or its own default when that one is blank too.
     */
    private Optional<String> declaredDefault(String key) {
        return SettingsSchema.defaultValue(key).map(value -> {
            Matcher other = ANOTHER_SETTING.matcher(value);
            return other.matches() ? getString(other.group(1)) : CamelContextHelper.parseText(context, value).trim();
        });
    }

    private Optional<String> text(String value) {
        return Optional.of(value.trim()).filter(v -> !v.isEmpty()).map(v -> CamelContextHelper.parseText(context, v))
                .map(String::trim).filter(v -> !v.isEmpty());
    }

    public String require(String key, String why) {
        return get(key).orElseThrow(() -> missing(key, why));
    }

    public int getInt(String key) {
        String value = getString(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    /** true or false, in any case; anything else is a mistake, not false. */
    public boolean getBoolean(String key) {
        String value = getString(key);
        return parseBoolean(value).orElseThrow(() -> invalid(key, value, "true or false"));
    }

    public static Optional<Boolean> parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** The documented duration form (docs/configuration.md): 200ms, 30s, 5m, 1h, 1d, combined as 1h30m, or 0. */
    public Duration getDuration(String key) {
        String value = getString(key);
        return parseDuration(value).orElseThrow(() -> invalid(key, value, DURATION_FORM));
    }

    public static Optional<Duration> parseDuration(String value) {
        String text = value.trim();
        if (text.equals("0")) {
            // zero in any unit: the one number that needs none (repeat-interval 0 turns reminders off)
            return Optional.of(Duration.ZERO);
        }
        Matcher m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        try {
            long millis = 0;
            for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
                if (m.group(unit + 1) != null) {
                    millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(m.group(unit + 1)), UNIT_MILLIS[unit]));
                }
            }
            return Optional.of(Duration.ofMillis(millis));
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public List<String> getList(String key) {
        return get(key).map(Settings::parseList).orElse(List.of());
    }

    /** A comma-separated list, as every list setting is written; blanks between commas are ignored. */
    public static List<String> parseList(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Keys under a prefix from the files and from the environment (RELAY_SOURCE_X_BASE_URL under
     * relay.source.x. is base-url), for settings whose names are only known at run time.
     */
    public Set<String> keysWithPrefix(String prefix) {
        Set<String> keys = keysInFiles(prefix);
        String env = envName(prefix);
        System.getenv().keySet().stream()
                .filter(k -> k.startsWith(env) && k.length() > env.length())
                .map(k -> prefix + k.substring(env.length()).toLowerCase(Locale.ROOT).replace('_', '-'))
                .forEach(keys::add);
        return keys;
    }

    /** Keys under a prefix from the configuration files (and what a test or the main class set), not the environment. */
    public Set<String> keysInFiles(String prefix) {
        return new TreeSet<>(context.getPropertiesComponent().loadProperties(k -> k.startsWith(prefix))
                .stringPropertyNames());
    }

    public static ConfigurationException missing(String key, String why) {
        return new ConfigurationException("Missing setting " + key + " (environment variable " + envName(key) + "): "
                + why);
    }

    public static ConfigurationException invalid(String key, String value, String expected) {
        return new ConfigurationException("Setting " + key + " (environment variable " + envName(key) + ") is '"
                + value + "' but must be " + expected);
    }
}
