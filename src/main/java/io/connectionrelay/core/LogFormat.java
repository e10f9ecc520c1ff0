package io.connectionrelay.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * relay.log.format: text or json, one JSON object per line for log shippers.
 * Logback reads its configuration before Camel loads the settings, so {@link #chooseBeforeLogging}
 * resolves the value the way Camel would (system property, then RELAY_LOG_FORMAT, then the profile's
 * file, then application.properties, then the declared default) and hands a known one to
 * logback.xml as the system property relay.log.format; once Camel runs, SettingsSchema turns a wrong value into a configuration error.
 */
public final class LogFormat {

    public static final String KEY = "relay.log.format";
    public static final String TEXT = "text";
    public static final String JSON = "json";
    static final List<String> FORMATS = List.of(TEXT, JSON);

    private LogFormat() {
    }

    /** Must run before the first logger is created: logback reads the property once, when it starts. */
    public static void chooseBeforeLogging(String profile, String configDir) {
        String format = System.getProperty(KEY);
        if (isBlank(format)) {
            format = System.getenv(Settings.envName(KEY));
        }
        for (String file : List.of("application-" + profile + ".properties", "application.properties")) {
            if (isBlank(format)) {
                format = fromFile(Path.of(configDir, file));
            }
        }
        String chosen = (isBlank(format) ? SettingsSchema.defaultValue(KEY).orElseThrow() : format).trim()
                .toLowerCase(Locale.ROOT);
        if (FORMATS.contains(chosen)) {
            System.setProperty(KEY, chosen);
        }
        // an unknown format is left where it was set, for SettingsSchema to report with every other
        // problem; logback logs text meanwhile, so that report is readable
    }

    private static String fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            // Camel reports an unreadable configuration file once it starts; the log stays text until then
            return null;
        }
        return properties.getProperty(KEY);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
