package io.connectionrelay.poll;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.RecordMappingException;
import io.connectionrelay.core.Settings;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.StreamCache;

/**
 * Terminal list items lack lastSync and agreements; GET /connections/current, authorized for one
 * customer by its Connection-Token, has them. {@link #prepare} sets up that call for one list item
 * and, as the content enricher's strategy, this class merges the answer into the item.
 *
 * <p>The token travels only in the Connection-Token header of this call: the item (the body, and
 * so any dead-letter payload) never holds it, and the merge does not copy it back.
 */
public class TerminalCurrentConnection implements AggregationStrategy {

    public static final String TOKEN_HEADER = "Connection-Token";

    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();

    public TerminalCurrentConnection(Settings settings) {
        this.settings = settings;
    }

    /** Body: one list item (token already removed). Sets the request's URI and Connection-Token. */
    public void prepare(Exchange exchange) throws IOException {
        JsonNode item = asJson(exchange);
        exchange.getMessage().setBody(item);
        @SuppressWarnings("unchecked")
        Map<String, String> tokens = exchange.getProperty(TerminalPages.TOKENS, Map.class);
        exchange.removeProperty(TerminalPages.TOKENS);
        String id = item.path("id").isTextual() ? item.path("id").asText() : null;
        if (id == null) {
            throw new RecordMappingException("a Terminal connection has no 'id'");
        }
        exchange.setProperty(CycleContext.ONLY_CONNECTION, id);
        String token = tokens == null ? null : tokens.get(id);
        if (token == null) {
            throw new RecordMappingException("Terminal connection " + id
                    + " has no 'token', so its lastSync and agreements cannot be read");
        }
        String source = CycleContext.of(exchange).source();
        String baseUrl = settings.require("relay.source." + source + ".base-url", "the API address source " + source
                + " polls");
        exchange.getMessage().setHeader(Exchange.HTTP_URI, baseUrl + "/connections/current");
        exchange.getMessage().setHeader(TOKEN_HEADER, token);
    }

    /**
     * Adds what the current connection has and the item lacks (lastSync, agreements). A failed call
     * is handed to the caller's error handler with the item still the body, so a retry repeats the
     * call and a dead letter holds the item, not the vendor's error page.
     */
    @Override
    public Exchange aggregate(Exchange item, Exchange current) {
        if (current.getException() != null) {
            item.setException(current.getException());
            return item;
        }
        try {
            item.getMessage().setBody(merge(asJson(item), asJson(current)));
        } catch (IOException | RuntimeException e) {
            item.setException(e instanceof RecordMappingException ? e
                    : new RecordMappingException("Terminal's current connection could not be read: " + e.getMessage(), e));
        }
        return item;
    }

    static JsonNode merge(JsonNode item, JsonNode current) {
        if (!(item instanceof ObjectNode merged) || !current.isObject()) {
            throw new RecordMappingException("expected JSON objects for a Terminal connection and its current details");
        }
        String id = item.path("id").asText();
        String currentId = current.path("id").asText(null);
        if (currentId != null && !currentId.equals(id)) {
            // the token belongs to another connection: its details must not be attributed to this one
            throw new RecordMappingException("Terminal answered /connections/current for connection " + id
                    + " with connection " + currentId);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = current.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("token") && !merged.has(field.getKey())) {
                merged.set(field.getKey(), field.getValue());
            }
        }
        return merged;
    }

    private JsonNode asJson(Exchange exchange) throws IOException {
        Object body = exchange.getMessage().getBody();
        if (body instanceof JsonNode node) {
            return node;
        }
        if (body == null) {
            throw new RecordMappingException("a Terminal connection had no body");
        }
        if (body instanceof StreamCache cache) {
            cache.reset();
        }
        try (InputStream in = exchange.getContext().getTypeConverter().mandatoryConvertTo(InputStream.class, exchange,
                body)) {
            return json.readTree(in);
        } catch (NoTypeConversionAvailableException e) {
            throw new RecordMappingException("a Terminal connection cannot be read from " + body.getClass().getName(), e);
        }
    }
}
