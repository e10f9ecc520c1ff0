package io.connectionrelay.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * Answers Terminal's two calls for the demo from demo/terminal-connections.json (connections as
 * GET /connections/current returns them): GET /connections pages them with an opaque base64
 * cursor, as Terminal does, leaving out lastSync and agreements; GET /connections/current returns
 * the one whose token is in the Connection-Token header.
 */
public class TerminalDemoApi {

    public static final String CONNECTIONS = "/demo/terminal-connections.json";
    private static final int DEFAULT_LIMIT = 50;

    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> connections = new ArrayList<>();

    public TerminalDemoApi() throws IOException {
        try (InputStream in = getClass().getResourceAsStream(CONNECTIONS)) {
            json.readTree(in).forEach(connections::add);
        }
    }

    /** Headers cursor and limit are the request's query parameters. */
    public void page(Exchange exchange) {
        String cursor = exchange.getMessage().getHeader("cursor", String.class);
        int limit = exchange.getMessage().getHeader("limit", DEFAULT_LIMIT, Integer.class);
        int from = cursor == null ? 0 : Integer.parseInt(new String(Base64.getDecoder().decode(cursor),
                StandardCharsets.UTF_8).substring("offset=".length()));
        int to = Math.min(connections.size(), from + Math.max(1, limit));
        ObjectNode page = json.createObjectNode();
        ArrayNode results = page.putArray("results");
        for (JsonNode connection : connections.subList(from, to)) {
            ObjectNode item = connection.deepCopy();
            item.remove(List.of("lastSync", "agreements"));
            results.add(item);
        }
        if (to < connections.size()) {
            page.put("next", Base64.getEncoder().encodeToString(("offset=" + to).getBytes(StandardCharsets.UTF_8)));
        }
        answer(exchange, 200, page);
    }

    public void current(Exchange exchange) {
        String token = exchange.getMessage().getHeader("Connection-Token", String.class);
        connections.stream().filter(c -> c.path("token").asText().equals(token)).findFirst().ifPresentOrElse(
                c -> answer(exchange, 200, c),
                () -> answer(exchange, 403, json.createObjectNode().put("code", "forbidden")
                        .put("message", "Forbidden Request")
                        .put("detail", "Please ensure the connection token matches the resource you are attempting to access.")));
    }

    private static void answer(Exchange exchange, int status, JsonNode body) {
        // request headers (Authorization, Connection-Token) must not be echoed as response headers
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body.toString());
    }
}
