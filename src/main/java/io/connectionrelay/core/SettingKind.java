package io.connectionrelay.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.quartz.CronExpression;

/**
 * What values a declared setting takes, and how to say so when it gets another: refusal gives,
 * for a value it refuses, what the value must be instead (and why, when a parser said so).
 */
public record SettingKind(Function<String, Optional<String>> refusal) {

    public static final SettingKind TEXT = of("text", v -> true);
    public static final SettingKind BOOLEAN = of("true or false", v -> Settings.parseBoolean(v).isPresent());
    public static final SettingKind PORT = whole(1, 65_535);
    public static final SettingKind URL = of("an absolute http:// or https:// URL with a host", SettingKind::isHttpUrl);
    public static final SettingKind READABLE_FILE = of("a readable file", v -> Files.isReadable(Path.of(v)));
    public static final SettingKind CRON = of(
            "a Quartz cron expression: seconds minutes hours day-of-month month day-of-week, e.g. 0 0 8 ? * MON-FRI",
            CronExpression::isValidExpression);

    public static final SettingKind TIME_ZONE = of("a time zone such as UTC or Europe/Berlin", SettingKind::isTimeZone);

    /** A kind whose values are accepted or not, with nothing to add to what is expected. */
    public static SettingKind of(String expected, Predicate<String> accepts) {
        return new SettingKind(v -> accepts.test(v) ? Optional.empty() : Optional.of(expected));
    }

    /**
     * Values the relay's own parser reads (a status mapping, the directory file's rows, a signing
     * secret), refused with the parser's reason when it throws IllegalArgumentException. The parser
     * runs while the settings are checked, before anything is built, so it must change nothing.
     */
    public static SettingKind parsedBy(String expected, Consumer<String> parser) {
        return new SettingKind(v -> {
            try {
                parser.accept(v);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of(expected + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
        });
    }

    /** This kind, then (for a value it accepts) the other: a declared setting refined by the stage that reads it. */
    public SettingKind and(SettingKind other) {
        return new SettingKind(v -> refusal.apply(v).or(() -> other.refusal().apply(v)));
    }

    public boolean accepts(String value) {
        return refusal.apply(value).isEmpty();
    }

    /** The problem with setting key's value, naming the setting and its environment variable; a secret is not shown. */
    public Optional<String> problem(String key, String value) {
        String shown = SecretMasker.isSecretKey(key) ? SecretMasker.MASK : value;
        return refusal.apply(value).map(expected -> Settings.invalid(key, shown, expected).getMessage());
    }

    /** For a stage that reads a setting itself: throws the configuration error {@link #problem} describes. */
    public void check(String key, String value) {
        problem(key, value).ifPresent(problem -> {
            throw new ConfigurationException(problem);
        });
    }

    /** A duration of at least min: Duration.ZERO for a delay, a millisecond for a period or a timeout. */
    public static SettingKind duration(Duration min) {
        String expected = Settings.DURATION_FORM + (min.isZero() ? ""
                : min.equals(Duration.ofMillis(1)) ? ", greater than zero" : ", of at least " + min.toMillis() + "ms");
        return of(expected, v -> Settings.parseDuration(v).filter(d -> d.compareTo(min) >= 0).isPresent());
    }

    public static SettingKind whole(long min, long max) {
        String expected = max == Long.MAX_VALUE ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max;
        return of(expected, v -> {
            try {
                long n = Long.parseLong(v.trim());
                return n >= min && n <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        });
    }

    public static SettingKind atLeast(long min) {
        return whole(min, Long.MAX_VALUE);
    }

    /** Camel's own timeouts (camel.*) are whole numbers in a fixed unit, as Camel documents them. */
    public static SettingKind wholeIn(String unit) {
        return of("a whole number of " + unit + ", at least 1", atLeast(1)::accepts);
    }

    /** One of a fixed set, in lower case as docs/settings.md writes them. */
    public static SettingKind oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return of("one of " + String.join(", ", values), v -> values.contains(v.trim()));
    }

    private static boolean isTimeZone(String value) {
        try {
            ZoneId.of(value.trim());
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI url = new URI(value.trim());
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
