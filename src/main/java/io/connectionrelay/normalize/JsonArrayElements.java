package io.connectionrelay.normalize;

import io.connectionrelay.core.MalformedPayloadException;
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
import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.TypeConverter;

/**
 * Splits a top-level JSON array into chunks of its elements (relay.pipeline.chunk-size), read one
 * chunk at a time, so memory holds one chunk however long the array. The body is read twice, first to check the whole document is well
 * formed, so that a truncated payload delivers nothing rather than its first half.
 * <p>
 * Every body form camel-http hands over is accepted: a stream cache (a body over 8 KB, or of
 * unknown length; spooled to disk when large), a byte[] (a body of up to 8 KB with a
 * Content-Length), or anything the type converters turn into a stream. Whatever is not already a
 * stream cache becomes one, so both passes and a dead letter read the same bytes.
 */
public class JsonArrayElements {

    /**
     * The most one element may take. A connection is a few KB; this bound keeps one element's
     * tree (and Jackson's string buffers) small next to the heap, and is checked in the first
     * pass, so a payload with a runaway value delivers nothing and is dead-lettered whole.
     */
    public static final long MAX_ELEMENT_BYTES = 1 << 20;

    public static final String CHUNK_SIZE = "relay.pipeline.chunk-size";

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonFactory factory = mapper.getFactory();
    private final int chunkSize;

    public JsonArrayElements(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** relay.pipeline.chunk-size, which the settings check has found to be at least 1. */
    public static JsonArrayElements fromSettings(Settings settings) {
        return new JsonArrayElements(settings.getInt(CHUNK_SIZE));
    }

    /** The chunks, once the whole body is known to be well formed; the element count goes to the cycle. */
    public Iterator<List<JsonNode>> iterate(Exchange exchange) throws Exception {
        StreamCache body = reReadable(exchange);
        long elements = validate((InputStream) body);
        CycleContext.of(exchange).counted(elements);
        body.reset();
        return elements((InputStream) body);
    }

    private static StreamCache reReadable(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            throw new MalformedPayloadException("the response had no body; a JSON array was expected", null);
        }
        if (body instanceof StreamCache cache && body instanceof InputStream) {
            cache.reset();
            return cache;
        }
        TypeConverter converter = exchange.getContext().getTypeConverter();
        InputStream in = converter.mandatoryConvertTo(InputStream.class, exchange, body);
        StreamCache cache = converter.mandatoryConvertTo(StreamCache.class, exchange, in);
        exchange.getMessage().setBody(cache);
        return cache;
    }

    /** Reads the document through without keeping it; returns the element count or says where it breaks. */
    long validate(InputStream in) throws MalformedPayloadException, IOException {
        try (JsonParser parser = factory.createParser(nonClosing(in))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedPayloadException("the response body is empty; a JSON array was expected", null);
            }
            if (first != JsonToken.START_ARRAY) {
                throw new MalformedPayloadException("expected a JSON array but the body starts with " + first, null);
            }
            long count = 0;
            long elementStart = -1;
            while (true) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw new MalformedPayloadException("the JSON array ends early after " + count + " elements", null);
                }
                // an element's size is known when the next one (or the end) starts: a string is skipped lazily
                long start = parser.currentTokenLocation().getByteOffset();
                if (elementStart >= 0 && start - elementStart > MAX_ELEMENT_BYTES) {
                    throw new MalformedPayloadException("element " + count + " of the JSON array takes "
                            + (start - elementStart) + " bytes, more than the " + MAX_ELEMENT_BYTES
                            + " one connection may take", null);
                }
                if (token == JsonToken.END_ARRAY) {
                    break;
                }
                elementStart = start;
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
