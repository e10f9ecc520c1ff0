package io.connectionrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settings reference (docs/settings.md) lists exactly what the code reads. SettingsSchemaTest
 * holds the reference and SettingsSchema together; this holds them to the code that does the
 * reading, so a setting read without a row (a new key, a typo in a key) fails here, and so does a
 * row nothing reads any more. SettingsSchema itself is left out: it declares, it does not use.
 *
 * <p>A read is a key in Java source ({@code "relay.a.b"}, or built as {@code "relay.source." + id
 * + ".period"} or {@code prefix + "period"}, where {@code *} stands for the instance, or a family
 * such as {@code "relay.upstream.retry"} handed to a helper that appends {@code ".max-delay"}), a
 * {@code {{relay.a.b}}} placeholder or {@code #property:relay.a.b} reference in routes/, config/
 * or Java, or a parameter of a source route template (every relay.source.NAME.some-key
 * reaches routes/poll/ as {@code {{someKey}}}, see SourceInstances). camel.* settings are read by
 * Camel Main, so a listed one counts as read when config/ sets it or it has a declared default.
 */
class SettingsReadInCodeTest {

    private static final Path JAVA = Path.of("src/main/java");
    private static final String DECLARATION = "SettingsSchema.java";

    private static final Pattern KEY_LITERAL = Pattern.compile("\"((?:relay|camel)\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)*)\"");
    /** "relay.source." + an instance name, then maybe + ".suffix" (the rest of the key). */
    private static final Pattern BUILT_KEY = Pattern.compile("\"(relay\\.(?:[a-z0-9-]+\\.)*)\"\\s*\\+");
    private static final Pattern SUFFIX = Pattern.compile("[^;\"]+?\\s*\\+\\s*\"\\.([a-z0-9.-]*)\"");
    /** A variable holding a key prefix: String prefix = "relay.source." + id + "."; or SFTP = "relay.csv.sftp."; */
    private static final Pattern PREFIX_VARIABLE = Pattern.compile(
            "(\\w+)\\s*=\\s*\"(relay\\.(?:[a-z0-9-]+\\.)+)\"(\\s*\\+\\s*[^;\"]+?\\s*\\+\\s*\"\\.\")?\\s*;");
    /** A helper handed a family's prefix appends the rest: prefix + ".initial-delay" (RetryDelay.fromSettings). */
    private static final Pattern APPENDED = Pattern.compile("\\b\\w+\\s*\\+\\s*\"\\.([a-z][a-z0-9.-]*)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?:\\{\\{\\??|#property:)((?:relay|camel)\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)*)");
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{\\{\\??([a-z][A-Za-z0-9]*)(?::[^}]*)?}}");
    private static final Pattern METRIC_ROW = Pattern.compile("^\\| `(relay_[a-z_]+)` \\|", Pattern.MULTILINE);

    /** Key (with * for an instance) to the first file that reads it. */
    private static final Map<String, String> READ = new TreeMap<>();
    private static Set<String> documented;
    private static final Set<String> APPENDED_SUFFIXES = new TreeSet<>();

    @BeforeAll
    static void scan() throws IOException {
        documented = SettingsSchemaTest.documented();
        for (Path file : files(JAVA, ".java")) {
            if (!file.endsWith(DECLARATION)) {
                readJava(file, withoutCommentLines(Files.readString(file), "*", "/*", "//"));
            }
        }
        for (Path file : files(Path.of("routes"), ".yaml")) {
            String text = withoutCommentLines(Files.readString(file), "#");
            readPlaceholders(file, text);
            if (file.startsWith(Path.of("routes", "poll"))) {
                TEMPLATE_PARAMETER.matcher(text).results().map(m -> m.group(1)).filter(p -> !p.equals("sourceId"))
                        .forEach(p -> read("relay.source.*." + kebab(p), file));
            }
        }
        for (Path file : files(Path.of("config"), ".properties")) {
            String text = withoutCommentLines(Files.readString(file), "#");
            readPlaceholders(file, text);
            // Camel Main binds the camel.* keys it is given
            text.lines().map(l -> l.split("=", 2)[0].trim()).filter(k -> k.startsWith("camel."))
                    .filter(documented::contains).forEach(k -> read(k, file));
        }
        // and the camel.* defaults SettingDefaults hands it; a setting another one follows by default
        // is read wherever that one is
        SettingsSchema.fixedDefaults().keySet().stream().filter(k -> k.startsWith("camel."))
                .forEach(k -> read(k, Path.of(DECLARATION)));
        SettingsSchema.SETTINGS.forEach(s -> s.follows().ifPresent(k -> read(k, Path.of(DECLARATION))));
        readFamilies();
    }

    @Test
    void everySettingTheCodeReadsIsInTheReference() throws IOException {
        String operations = Files.readString(Path.of("docs/operations.md"));
        Set<String> metrics = METRIC_ROW.matcher(operations).results().map(m -> m.group(1)).collect(Collectors.toSet());

        Map<String, String> unlisted = new TreeMap<>(READ);
        unlisted.keySet().removeIf(key -> documented.stream().anyMatch(d -> sameKey(d, key))
                || SettingsSchema.INTERNAL.matcher(key.replace("*", "x")).matches()
                || isMetricName(key, metrics));

        assertThat(unlisted).as("read by the code (key -> where) but not in docs/settings.md").isEmpty();
    }

    @Test
    void everySettingInTheReferenceIsReadByTheCode() {
        Set<String> unread = documented.stream().filter(d -> READ.keySet().stream().noneMatch(key -> sameKey(d, key)))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(unread).as("in docs/settings.md but read nowhere in the code, routes/ or config/").isEmpty();
    }

    private static void readJava(Path file, String text) {
        KEY_LITERAL.matcher(text).results().forEach(m -> read(m.group(1), file));
        Matcher built = BUILT_KEY.matcher(text);
        while (built.find()) {
            Matcher suffix = SUFFIX.matcher(text).region(built.end(), text.length());
            read(built.group(1) + "*" + (suffix.lookingAt() ? "." + suffix.group(1) : ""), file);
        }
        Matcher variables = PREFIX_VARIABLE.matcher(text);
        while (variables.find()) {
            String prefix = variables.group(2) + (variables.group(3) == null ? "" : "*.");
            Pattern use = Pattern.compile("\\b" + variables.group(1) + "\\s*\\+\\s*\"([a-z][a-z0-9.-]*)\"");
            use.matcher(text).results().forEach(m -> read(prefix + m.group(1), file));
        }
        APPENDED.matcher(text).results().forEach(m -> APPENDED_SUFFIXES.add(m.group(1)));
        readPlaceholders(file, text);
    }

    /**
     * A key literal that names no setting but a family ("relay.upstream.retry", handed to a helper
     * that appends ".initial-delay") reads the family's listed settings with the suffixes some
     * code appends; it is unlisted itself only when it is no such family.
     */
    private static void readFamilies() {
        Map<String, String> families = new TreeMap<>(READ);
        families.keySet().removeIf(key -> documented.stream().anyMatch(d -> sameKey(d, key)));
        families.forEach((family, file) -> {
            List<String> members = APPENDED_SUFFIXES.stream().map(s -> family + "." + s)
                    .filter(key -> documented.stream().anyMatch(d -> sameKey(d, key))).toList();
            if (!members.isEmpty()) {
                READ.remove(family);
                members.forEach(key -> READ.putIfAbsent(key, file));
            }
        });
    }

    private static void readPlaceholders(Path file, String text) {
        PLACEHOLDER.matcher(text).results().forEach(m -> read(m.group(1), file));
    }

    private static void read(String key, Path file) {
        // a bare prefix ("relay." + channel) is not a key; the instance name must not be the whole key
        if (!key.endsWith(".") && !key.equals("relay.*")) {
            READ.putIfAbsent(key, file.toString());
        }
    }

    /** Segment by segment; <name>, <id> and * stand for any one segment. */
    static boolean sameKey(String documentedKey, String readKey) {
        String[] a = documentedKey.split("\\.");
        String[] b = readKey.split("\\.");
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            boolean any = a[i].startsWith("<") || b[i].equals("*");
            if (!any && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Micrometer names the metrics the docs list: relay.records.polled is relay_records_polled_total. */
    private static boolean isMetricName(String key, Set<String> metrics) {
        String name = key.replace('.', '_');
        return !key.contains("-") && metrics.stream().anyMatch(m -> m.equals(name) || m.startsWith(name + "_"));
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    private static String withoutCommentLines(String text, String... markers) {
        return text.lines().filter(l -> Stream.of(markers).noneMatch(l.trim()::startsWith))
                .collect(Collectors.joining("\n"));
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
