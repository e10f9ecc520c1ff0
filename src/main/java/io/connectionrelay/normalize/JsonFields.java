package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import java.time.Instant;
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

    static String required(JsonNode node, String field, String what) {
        String value = text(node, field);
        if (value == null) {
            throw new RecordMappingException(what + " has no '" + field + "'");
        }
        return value;
    }

    static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new RecordMappingException("'" + field + "' is not an ISO-8601 date: " + value);
        }
    }

    static String fullName(String first, String last) {
        String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        return name.isEmpty() ? null : name;
    }
}
