package io.connectionrelay.normalize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectionrelay.core.CycleContext;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * Splits a top-level JSON array into chunks of its elements (relay.pipeline.chunk-size), read one
 * chunk at a time, so memory holds one chunk however long the array. The body must be re-readable (Camel's stream cache, spooled to disk for
 * large bodies): it is read twice, first to check the whole document is well formed, so that a
 * truncated payload delivers nothing rather than its first half.
 */
public class JsonArrayElements {

    public static final String CHUNK_SIZE = "relay.pipeline.chunk-size";

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonFactory factory = mapper.getFactory();
    private final int chunkSize;

    public JsonArrayElements(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    public static JsonArrayElements fromSettings(Settings settings) {
        int size = settings.getInt(CHUNK_SIZE, 500);
        if (size < 1) {
            throw Settings.invalid(CHUNK_SIZE, String.valueOf(size), "a whole number of at least 1");
        }
        return new JsonArrayElements(size);
    }

    public Iterator<List<JsonNode>> iterate(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            throw new MalformedPayloadException("the response had no body; a JSON array was expected", null);
        }
        InputStream in = exchange.getContext().getTypeConverter().mandatoryConvertTo(InputStream.class, exchange, body);
        long elements = validate(in);
        CycleContext.of(exchange).counted(elements);
        if (body instanceof StreamCache cache) {
            cache.reset();
        } else {
            throw new IllegalStateException("the upstream body must be stream-cached to be read twice; "
                    + "set camel.main.stream-caching-enabled=true");
        }
        return elements(in);
    }

    /** Reads the document through without keeping it; returns the element count or says where it breaks. */
    long validate(InputStream in) throws MalformedPayloadException, IOException {
        try (JsonParser parser = factory.createParser(nonClosing(in))) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new MalformedPayloadException("expected a JSON array but the body starts with "
                        + parser.currentToken(), null);
            }
            long count = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new MalformedPayloadException("the JSON array ends early after " + count + " elements", null);
                }
                parser.skipChildren();
                count++;
            }
            if (parser.nextToken() != null) {
                throw new MalformedPayloadException("unexpected content after the JSON array at byte "
                        + parser.currentLocation().getByteOffset(), null);
            }
            return count;
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("malformed JSON: " + e.getOriginalMessage() + " at byte "
                    + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()), e);
        }
    }

    private Iterator<List<JsonNode>> elements(InputStream in) throws IOException {
        JsonParser parser = factory.createParser(in);
        parser.setCodec(mapper);
        parser.nextToken(); // START_ARRAY, checked by validate
        return new Iterator<>() {
            private JsonToken next = parser.nextToken();

            @Override
            public boolean hasNext() {
                if (next == JsonToken.END_ARRAY || next == null) {
                    close();
                    return false;
                }
                return true;
            }

            @Override
            public List<JsonNode> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    List<JsonNode> chunk = new ArrayList<>(chunkSize);
                    while (chunk.size() < chunkSize && next != JsonToken.END_ARRAY && next != null) {
                        chunk.add(parser.readValueAsTree());
                        next = parser.nextToken();
                    }
                    return chunk;
                } catch (IOException e) {
                    close();
                    throw new UncheckedIOException("re-reading the upstream body failed", e);
                }
            }

            private void close() {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // nothing left to read
                }
            }
        };
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the second pass reads the same stream
            }
        };
    }
}
