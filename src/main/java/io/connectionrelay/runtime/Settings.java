package io.connectionrelay.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.util.TimeUtils;

/**
 * Typed access to relay.* settings through Camel's properties component, so an environment
 * variable (relay.crux.base-url as RELAY_CRUX_BASE_URL) always wins over the files.
 * Every error names both the property and its environment variable.
 */
public final class Settings {

    private final CamelContext context;

    public Settings(CamelContext context) {
        this.context = context;
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .map(v -> CamelContextHelper.parseText(context, v));
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public String require(String key, String why) {
        return get(key).orElseThrow(() -> missing(key, why));
    }

    public int getInt(String key, int fallback) {
        String value = get(key, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        return get(key).map(Boolean::parseBoolean).orElse(fallback);
    }

    /** Accepts Camel's duration forms: 500 (millis), 30s, 5m, 1h30m. */
    public Duration getDuration(String key, Duration fallback) {
        String value = get(key, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.ofMillis(TimeUtils.toMilliSeconds(value));
        } catch (RuntimeException e) {
            throw invalid(key, value, "a duration such as 500, 30s or 5m");
        }
    }

    public List<String> getList(String key) {
        return get(key).map(v -> Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    /**
     * Keys under a prefix from the files and from the environment (RELAY_SOURCE_X_BASE_URL under
     * relay.source.x. is base-url), for settings whose names are only known at run time.
     */
    public Set<String> keysWithPrefix(String prefix) {
        Set<String> keys = new TreeSet<>(context.getPropertiesComponent()
                .loadProperties(k -> k.startsWith(prefix)).stringPropertyNames());
        String env = envName(prefix);
        System.getenv().keySet().stream()
                .filter(k -> k.startsWith(env) && k.length() > env.length())
                .map(k -> prefix + k.substring(env.length()).toLowerCase(Locale.ROOT).replace('_', '-'))
                .forEach(keys::add);
        return keys;
    }

    public static IllegalStateException missing(String key, String why) {
        return new IllegalStateException("Missing setting " + key + " (environment variable " + envName(key) + "): "
                + why);
    }

    public static IllegalStateException invalid(String key, String value, String expected) {
        return new IllegalStateException("Setting " + key + " (environment variable " + envName(key) + ") is '"
                + value + "' but must be " + expected);
    }
}
