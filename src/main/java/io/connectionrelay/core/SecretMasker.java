package io.connectionrelay.core;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials wherever text leaves the process: log lines, dead-letter entries and
 * payloads, the startup summary. Two nets:
 * <ul>
 *   <li>values: every secret setting (any relay.* key ending in token, password, passphrase, api-key or
 *       secret) and every credential obtained at run time ({@link #remember}, e.g. a login's
 *       session token) is replaced wherever it appears;</li>
 *   <li>names: whatever follows a credential's name is masked even when its value is not known,
 *       as in {@code Authorization: Token abc}, {@code password=abc} or {@code "auth_token":"abc"};
 *       so is the password of a URL's user info ({@code jdbc:postgresql://relay:abc@db/relay}).</li>
 * </ul>
 * A credential written inside another setting's value (a JDBC URL's {@code password=} or user
 * info, H2's {@code ;PASSWORD=}) is remembered as a value too, so a driver message that repeats it
 * bare is masked as well.
 * The log layout has no Camel context to ask, so every masker also teaches its values to
 * {@link #process()}, the one the layout uses.
 */
public final class SecretMasker {

    public static final String MASK = "****";
    private static final Set<String> SECRET_SUFFIXES = Set.of("token", "password", "passphrase", "api-key", "secret",
            "secrets");
    private static final String CREDENTIAL_WORD = "(?:password|passwd|secret|secret[_-]?key|token|api[_-]?key|"
            + "access[_-]?key|cookie)";
    /** "auth_token": "abc" in JSON. */
    private static final Pattern JSON_FIELD = Pattern.compile(
            "(?i)(\"[\\w.-]*" + CREDENTIAL_WORD + "\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.){1,1024})(\")");
    /** Authorization: Token abc, Connection-Token=abc, ?api_key=abc (the scheme word is kept). */
    private static final Pattern NAMED_VALUE = Pattern.compile(
            "(?i)(\\b(?:(?:proxy-)?authorization|[\\w.-]*" + CREDENTIAL_WORD + ")\\s*[:=]\\s*"
                    + "(?:(?:bearer|token|basic)\\s+)?)([^\\s,;&\"'\\[\\]{}<>]{1,1024})");
    /** scheme://user:password@host: the password. */
    private static final Pattern USER_INFO = Pattern.compile(
            "(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]*:)([^@\\s/]{1,1024})(@)");
    private static final List<Pattern> PATTERNS = List.of(JSON_FIELD, NAMED_VALUE, USER_INFO);
    /** Longer than any match above, so a credential is never cut in two when text is masked in pieces. */
    private static final int OVERLAP = 4096;
    private static final int CHUNK = 64 * 1024;
    private static final SecretMasker PROCESS = new SecretMasker();

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private volatile List<String> longestFirst = List.of();

    private SecretMasker() {
    }

    public SecretMasker(Settings settings) {
        for (String key : settings.keysWithPrefix("relay.")) {
            settings.get(key).ifPresent(value -> {
                if (isSecretKey(key)) {
                    List.of(value.split(",")).forEach(this::remember);
                } else {
                    embeddedCredentials(value).forEach(this::remember);
                }
            });
        }
    }

    /** Credentials written inside a value: a URL's user-info password, password=..., ;PASSWORD=... */
    static List<String> embeddedCredentials(String value) {
        List<String> found = new ArrayList<>();
        for (Pattern pattern : List.of(NAMED_VALUE, USER_INFO)) {
            Matcher m = pattern.matcher(value);
            while (m.find()) {
                found.add(m.group(2));
            }
        }
        return found;
    }

    /** Knows every secret any relay in this JVM has configured or obtained: for the log layout. */
    public static SecretMasker process() {
        return PROCESS;
    }

    public static boolean isSecretKey(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return SECRET_SUFFIXES.stream().anyMatch(s -> last.equals(s) || last.endsWith("-" + s));
    }

    /** A header or exchange property whose value must never be written down (Authorization, relayConnectionToken). */
    public static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return lower.contains("authorization") || lower.contains("token") || lower.contains("password")
                || lower.contains("secret") || lower.contains("apikey") || lower.contains("cookie");
    }

    /** A credential learnt at run time, such as a session token a login returned. */
    public void remember(String secret) {
        String value = secret == null ? "" : secret.trim();
        if (value.length() < 4 || !known.add(value)) {
            return;
        }
        longestFirst = known.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        if (this != PROCESS) {
            PROCESS.remember(value);
        }
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : longestFirst) {
            masked = masked.replace(secret, MASK);
        }
        masked = JSON_FIELD.matcher(masked).replaceAll("$1" + MASK + "$3");
        masked = USER_INFO.matcher(masked).replaceAll("$1" + MASK + "$3");
        return NAMED_VALUE.matcher(masked).replaceAll("$1" + MASK);
    }

    /** Copies text of any size, masked, holding about 64 KB at a time. */
    public void copyMasked(Reader in, Writer out) throws IOException {
        StringBuilder window = new StringBuilder();
        char[] chunk = new char[CHUNK];
        for (int n = in.read(chunk); n != -1; n = in.read(chunk)) {
            window.append(chunk, 0, n);
            if (window.length() >= CHUNK + OVERLAP) {
                int cut = safeCut(window, window.length() - OVERLAP);
                out.write(mask(window.substring(0, cut)));
                window.delete(0, cut);
            }
        }
        out.write(mask(window.toString()));
    }

    /** Moves a cut point past any credential that spans it. */
    private int safeCut(CharSequence text, int cut) {
        int from = Math.max(0, cut - OVERLAP);
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Pattern pattern : PATTERNS) {
                Matcher m = pattern.matcher(text).region(from, text.length());
                while (m.find() && m.start() < cut) {
                    if (m.end() > cut) {
                        cut = m.end();
                        moved = true;
                    }
                }
            }
            String window = text.subSequence(from, Math.min(text.length(), cut + OVERLAP)).toString();
            for (String secret : longestFirst) {
                int at = window.indexOf(secret, Math.max(0, cut - from - secret.length() + 1));
                if (at >= 0 && from + at < cut && from + at + secret.length() > cut) {
                    cut = from + at + secret.length();
                    moved = true;
                }
            }
        }
        return cut;
    }
}
