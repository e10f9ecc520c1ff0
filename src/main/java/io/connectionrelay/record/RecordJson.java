package io.connectionrelay.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of a {@link ConnectionRecord}, and of a chunk of them. Inside the process
 * records travel as objects; this form is for where a record is persisted or leaves the process
 * (a dead letter, the digest window's repository, a webhook's data) and for a dead letter
 * replayed back into a stage. The mapper is configured once and never changed, so it is shared.
 */
public final class RecordJson {

    private static final ObjectMapper MAPPER = newMapper();
    private static final JavaType CHUNK = MAPPER.getTypeFactory().constructCollectionType(List.class,
            ConnectionRecord.class);

    private RecordJson() {
    }

    /** Shared configuration: ISO-8601 instants, nulls kept so the form is the same for every record. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object recordOrChunk) {
        try {
            return MAPPER.writeValueAsString(recordOrChunk);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ConnectionRecord could not be serialized", e);
        }
    }

    public static ConnectionRecord read(String json) {
        try {
            return MAPPER.readValue(json, ConnectionRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a ConnectionRecord: " + e.getOriginalMessage(), e);
        }
    }

    /** One record from a message body: the record itself, or its JSON form (a replayed dead letter). */
    public static ConnectionRecord record(Object body) {
        if (body instanceof ConnectionRecord record) {
            return record;
        }
        return read(text(body));
    }

    /**
     * A stage's chunk from a message body: the chunk itself, one record, or the JSON form of either
     * (a replayed dead letter).
     */
    @SuppressWarnings("unchecked")
    public static List<ConnectionRecord> chunk(Object body) {
        if (body instanceof List<?> list) {
            return (List<ConnectionRecord>) list;
        }
        if (body instanceof ConnectionRecord record) {
            return List.of(record);
        }
        String json = text(body).strip();
        if (!json.startsWith("[")) {
            return List.of(read(json));
        }
        try {
            return MAPPER.readValue(json, CHUNK);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a chunk of ConnectionRecords: " + e.getMessage(), e);
        }
    }

    private static String text(Object body) {
        if (body instanceof String text) {
            return text;
        }
        if (body instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("expected a ConnectionRecord or its JSON, got "
                + (body == null ? "nothing" : body.getClass().getName()));
    }
}
