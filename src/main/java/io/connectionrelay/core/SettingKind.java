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
import java.util.function.Predicate;

import org.quartz.CronExpression;

/** What values a declared setting takes, and how to say so when it gets another. */
public record SettingKind(String expected, Predicate<String> accepts) {

    public static final SettingKind TEXT = new SettingKind("text", v -> true);
    public static final SettingKind BOOLEAN = new SettingKind("true or false",
            v -> Settings.parseBoolean(v).isPresent());
    public static final SettingKind PORT = whole(1, 65_535);
    public static final SettingKind URL = new SettingKind("an absolute http:// or https:// URL with a host",
            SettingKind::isHttpUrl);
    public static final SettingKind READABLE_FILE = new SettingKind("a readable file",
            v -> Files.isReadable(Path.of(v)));
    public static final SettingKind CRON = new SettingKind(
            "a Quartz cron expression: seconds minutes hours day-of-month month day-of-week, e.g. 0 0 8 ? * MON-FRI",
            CronExpression::isValidExpression);

    public static final SettingKind TIME_ZONE = new SettingKind("a time zone such as UTC or Europe/Berlin",
            SettingKind::isTimeZone);

    /** A duration of at least min: Duration.ZERO for a delay, a millisecond for a period or a timeout. */
    public static SettingKind duration(Duration min) {
        String expected = Settings.DURATION_FORM + (min.isZero() ? ""
                : min.equals(Duration.ofMillis(1)) ? ", greater than zero" : ", of at least " + min.toMillis() + "ms");
        return new SettingKind(expected, v -> Settings.parseDuration(v).filter(d -> d.compareTo(min) >= 0).isPresent());
    }

    public static SettingKind whole(long min, long max) {
        String expected = max == Long.MAX_VALUE ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max;
        return new SettingKind(expected, v -> {
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
        return new SettingKind("a whole number of " + unit + ", at least 1", atLeast(1).accepts());
    }

    /** One of a fixed set, in lower case as docs/settings.md writes them. */
    public static SettingKind oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return new SettingKind("one of " + String.join(", ", values), v -> values.contains(v.trim()));
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
