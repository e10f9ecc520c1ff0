package io.connectionrelay.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of a {@link ConnectionRecord}. Every stage boundary carries this text, so any
 * boundary can become a broker queue without touching the stages on either side.
 */
public final class RecordJson {

    private static final ObjectMapper MAPPER = newMapper();

    /**
     * The last record this thread wrote, with its JSON. Stages joined by direct: endpoints run on one
     * thread, so the next stage usually reads back the very String the previous one wrote; answering
     * from here (matched by identity, so the text is certainly the same) saves a parse per boundary
     * while the JSON stays the contract. Through a broker the String differs and is parsed as usual.
     */
    private static final ThreadLocal<Written> LAST_WRITTEN = new ThreadLocal<>();

    private record Written(String json, ConnectionRecord record) {
    }

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

    public static String write(ConnectionRecord record) {
        try {
            String json = MAPPER.writeValueAsString(record);
            LAST_WRITTEN.set(new Written(json, record));
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ConnectionRecord could not be serialized", e);
        }
    }

    public static ConnectionRecord read(String json) {
        Written last = LAST_WRITTEN.get();
        if (last != null && last.json() == json) {
            return last.record();
        }
        try {
            return MAPPER.readValue(json, ConnectionRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a ConnectionRecord: " + e.getOriginalMessage(), e);
        }
    }
}
