package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** Null-tolerant reads from vendor JSON: missing, null and "" all read as null. */
final class JsonFields {

    private JsonFields() {
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isEmpty() ? null : text;
    }

    /**
     * The state database keeps connection ids of up to this many characters (history, digests,
     * trace): a longer one would fail its whole cycle's writes, so its record is set aside alone.
     */
    static final int MAX_ID_LENGTH = 200;

    /** The element's connection id: present, and no longer than {@link #MAX_ID_LENGTH}. */
    static String connectionId(JsonNode node, String field, String what) {
        String value = text(node, field);
        if (value == null) {
            throw new RecordMappingException(what + " has no '" + field + "'");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new RecordMappingException(what + "'s '" + field + "' is " + value.length()
                    + " characters long; a connection id may have at most " + MAX_ID_LENGTH);
        }
        return value;
    }

    static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        Instant plain = plainUtc(value);
        if (plain != null) {
            return plain;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new RecordMappingException("'" + field + "' is not an ISO-8601 date: " + value);
        }
    }

    /**
     * The vendors' usual shape, yyyy-MM-ddTHH:mm:ss[.fraction]Z, read without the general parser:
     * a record has three or four dates and DateTimeFormatter was about a tenth of the normalize
     * stage's CPU. Null for anything else (offsets, leap seconds, a bad date), which
     * {@link Instant#parse} then reads or rejects as before.
     */
    static Instant plainUtc(String v) {
        int n = v.length();
        if (n < 20 || n > 30 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T'
                || v.charAt(13) != ':' || v.charAt(16) != ':' || v.charAt(n - 1) != 'Z') {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int digits = n - 21;
            if (v.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            for (int i = 20; i < n - 1; i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                nanos = nanos * 10 + (c - '0');
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 2);
        int day = digits(v, 8, 2);
        int hour = digits(v, 11, 2);
        int minute = digits(v, 14, 2);
        int second = digits(v, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The non-negative number in count digits from start, or -1 when one is not a digit. */
    private static int digits(String v, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static String fullName(String first, String last) {
        String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        return name.isEmpty() ? null : name;
    }
}
