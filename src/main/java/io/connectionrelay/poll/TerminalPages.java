package io.connectionrelay.poll;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.MalformedPayloadException;
import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;

/**
 * Terminal's GET /connections, one page at a time: {"results":[...],"next":"cursor"}, where the
 * last page has no next and any page may be shorter than the limit. A page is parsed whole, so
 * memory is bounded by the page size (relay.source.ID.page-limit), not by the number of connections.
 *
 * <p>Each list item carries its connection's token, a secret that authorizes reading that
 * customer's data. The token is taken out of the item here, before anything can log or
 * dead-letter it, and kept in a map (id to token) for the current page only.
 */
public class TerminalPages {

    /** The cursor for the next page; absent for the first. */
    public static final String CURSOR = "relayPageCursor";
    /** True while another page is to be read. */
    public static final String MORE = "relayMorePages";
    /** id to connection token for the current page. Deliberately not a relay* property: never saved. */
    public static final String TOKENS = "terminalConnectionTokens";

    private final ObjectMapper json = new ObjectMapper();

    public void start(Exchange exchange) {
        exchange.removeProperty(CURSOR);
        exchange.removeProperty(TOKENS);
        exchange.setProperty(MORE, true);
    }

    /** Points the fetch at the next page; the cursor is opaque and may hold '+', '/' or '='. */
    public void request(Exchange exchange, String baseUrl, String pageLimit) {
        int limit;
        try {
            limit = Integer.parseInt(pageLimit.trim());
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1) {
            throw Settings.invalid("relay.source." + CycleContext.of(exchange).source()
                    + ".page-limit", pageLimit, "a whole number of at least 1");
        }
        String cursor = exchange.getProperty(CURSOR, String.class);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, baseUrl + "/connections?limit=" + limit
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
    }

    /** Reads the fetched page: its items (without tokens) become the body, its cursor the next request. */
    public List<JsonNode> read(Exchange exchange) throws MalformedPayloadException {
        JsonNode page = parse(exchange);
        JsonNode results = page.path("results");
        if (!page.isObject() || !results.isArray()) {
            throw malformed(exchange, "expected a JSON object with a 'results' array");
        }
        String cursor = exchange.getProperty(CURSOR, String.class);
        JsonNode nextNode = page.get("next");
        if (nextNode != null && !nextNode.isNull() && !nextNode.isTextual()) {
            throw malformed(exchange, "'next' is not a string");
        }
        String next = nextNode == null || nextNode.isNull() || nextNode.asText().isEmpty() ? null : nextNode.asText();
        if (next != null && next.equals(cursor)) {
            throw malformed(exchange, "'next' repeats the cursor of this page, so paging would never end");
        }

        String only = exchange.getProperty(CycleContext.ONLY_CONNECTION, String.class);
        Map<String, String> tokens = new HashMap<>();
        List<JsonNode> items = new ArrayList<>(results.size());
        for (JsonNode item : results) {
            String id = item.path("id").isTextual() ? item.path("id").asText() : null;
            if (item instanceof ObjectNode object) {
                JsonNode token = object.remove("token");
                if (id != null && token != null && token.isTextual()) {
                    tokens.put(id, token.asText());
                }
            }
            if (only == null || only.equals(id)) {
                items.add(item);
            }
        }
        exchange.setProperty(TOKENS, tokens);
        exchange.setProperty(CURSOR, next);
        exchange.setProperty(MORE, next != null);
        CycleContext.of(exchange).counted(items.size());
        return items;
    }

    private JsonNode parse(Exchange exchange) throws MalformedPayloadException {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            throw malformed(exchange, "the response had no body");
        }
        try (InputStream in = exchange.getContext().getTypeConverter().mandatoryConvertTo(InputStream.class, exchange,
                body)) {
            JsonNode page = json.readTree(in);
            if (page == null) {
                throw malformed(exchange, "the response body was empty");
            }
            return page;
        } catch (JsonProcessingException e) {
            throw malformed(exchange, "malformed JSON: " + e.getOriginalMessage() + " at byte "
                    + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()));
        } catch (IOException | org.apache.camel.NoTypeConversionAvailableException e) {
            throw malformed(exchange, "the response body could not be read: " + e.getMessage());
        }
    }

    /** The page is not dead-lettered: it holds every connection's token. The message says what was wrong. */
    private static MalformedPayloadException malformed(Exchange exchange, String why) {
        exchange.getMessage().setBody(null);
        return new MalformedPayloadException("Terminal page " + describe(exchange) + ": " + why, null);
    }

    private static String describe(Exchange exchange) {
        String cursor = exchange.getProperty(CURSOR, String.class);
        return cursor == null ? "1" : "at cursor " + cursor;
    }
}
