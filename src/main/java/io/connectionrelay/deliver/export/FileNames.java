package io.connectionrelay.deliver.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * File names built from data must stay inside their folder. A plain name is letters, digits,
 * dot, dash and underscore, starting with a letter, digit or underscore: no separator, no "." or
 * "..", no hidden file, nothing a shell reads as an option, no control character, at most 255
 * characters.
 */
public final class FileNames {

    /** Room for a suffix such as -yyyyMMddTHHmmssSSSZ.csv within the usual 255-byte limit. */
    public static final int MAX_LENGTH = 120;
    private static final int MAX_PLAIN = 255;
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    private FileNames() {
    }

    /**
     * A plain name made from any value: other characters become underscores, a leading dot or
     * dash becomes an underscore, and a value too long keeps its start plus a hash of the whole,
     * so distinct long values stay distinct.
     */
    public static String safe(String value) {
        if (value == null || value.isBlank()) {
            return "unnamed";
        }
        String cleaned = UNSAFE.matcher(value).replaceAll("_");
        if (cleaned.startsWith(".") || cleaned.startsWith("-")) {
            cleaned = "_" + cleaned.substring(1);
        }
        if (cleaned.length() > MAX_LENGTH) {
            cleaned = cleaned.substring(0, MAX_LENGTH - 9) + "-" + shortHash(value);
        }
        return cleaned;
    }

    /**
     * Refuses a name that is not plain. The publish step checks the name it is given, because a
     * replayed dead letter brings its name back from disk, where anyone may have edited it.
     */
    public static void requirePlain(String name) {
        if (name == null || name.length() > MAX_PLAIN || !PLAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("Refusing file name '" + printable(name) + "': a file name must be "
                    + "letters, digits, dot, dash and underscore, start with a letter, digit or underscore, and be at "
                    + "most " + MAX_PLAIN + " characters");
        }
    }

    /** The name as it can go into a log line or an error: control characters escaped, length bounded. */
    static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder();
        name.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return name.codePointCount(0, name.length()) > 80 ? text + "…" : text.toString();
    }

    private static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
