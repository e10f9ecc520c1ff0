package io.connectionrelay.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.connectionrelay.support.Fixtures;

/**
 * WireMock as Terminal's API under /tsp/v1: the three list pages in fixtures/terminal and, per
 * connection, a GET /connections/current answer shaped like the documented example.
 */
public final class TerminalApi {

    public static final String BASE = "/tsp/v1";
    static final String LIST = BASE + "/connections";
    static final String CURRENT = BASE + "/connections/current";
    public static final String CURSOR_2 = "cD0y+MDIx/LTAx==";
    static final String CURSOR_3 = "page-3 cursor";
    static final String FAILED_SYNC = "Invalid credentials: the Samsara API token was revoked";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TerminalApi() {
    }

    /** The three pages as served, in order; page 1 has no cursor, page 3 no next. */
    public static void stubPages(WireMockExtension terminal, String apiKey, int limit) {
        terminal.stubFor(page(apiKey, limit, null).willReturn(okJson(Fixtures.text("terminal/page-1.json"))));
        terminal.stubFor(page(apiKey, limit, CURSOR_2).willReturn(okJson(Fixtures.text("terminal/page-2.json"))));
        terminal.stubFor(page(apiKey, limit, CURSOR_3).willReturn(okJson(Fixtures.text("terminal/page-3.json"))));
    }

    public static MappingBuilder page(String apiKey, int limit, String cursor) {
        return get(urlPathEqualTo(LIST))
                .withHeader("Authorization", equalTo("Bearer " + apiKey))
                .withQueryParam("limit", equalTo(String.valueOf(limit)))
                .withQueryParam("cursor", cursor == null ? absent() : equalTo(cursor));
    }

    /** Every list item of the three pages, id to item (with its token). */
    public static Map<String, JsonNode> items() {
        Map<String, JsonNode> items = new LinkedHashMap<>();
        for (String page : List.of("terminal/page-1.json", "terminal/page-2.json", "terminal/page-3.json")) {
            read(Fixtures.text(page)).path("results").forEach(item -> items.put(item.path("id").asText(), item));
        }
        return items;
    }

    static Map<String, String> tokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        items().forEach((id, item) -> tokens.put(id, item.path("token").asText()));
        return tokens;
    }

    /** Connection 2's last sync failed; every other one completed. */
    public static void stubCurrentForAll(WireMockExtension terminal, String apiKey) {
        items().forEach((id, item) -> terminal.stubFor(current(apiKey, item.path("token").asText())
                .willReturn(okJson(currentConnection(item, id.endsWith("2") ? "failed" : "completed")))));
    }

    public static MappingBuilder current(String apiKey, String token) {
        return get(urlPathEqualTo(CURRENT))
                .withHeader("Authorization", equalTo("Bearer " + apiKey))
                .withHeader("Connection-Token", equalTo(token));
    }

    static ResponseDefinitionBuilder currentAnswer(JsonNode item, String syncStatus) {
        return okJson(currentConnection(item, syncStatus));
    }

    /** What /connections/current returns for a list item: the item plus the documented lastSync and agreements. */
    static String currentConnection(JsonNode item, String syncStatus) {
        JsonNode example = read(Fixtures.text("terminal-connection-current.json"));
        ObjectNode current = item.deepCopy();
        ObjectNode sync = example.path("lastSync").deepCopy();
        sync.put("status", syncStatus);
        if (syncStatus.equals("failed")) {
            sync.put("failureReason", FAILED_SYNC);
        } else {
            sync.remove("failureReason");
        }
        current.set("lastSync", sync);
        ObjectNode agreement = example.path("agreements").get(0).deepCopy();
        agreement.put("connectionId", item.path("id").asText());
        // the documented example's acceptedBy holds placeholders; a real one names a person
        agreement.set("acceptedBy", JSON.createObjectNode().put("sourceId", "usr-" + item.path("id").asText())
                .put("firstName", "Fleet").put("lastName", "Admin").put("email", "fleet.admin@carrier.example"));
        current.set("agreements", JSON.createArrayNode().add(agreement));
        return current.toString();
    }

    /** The most requests to a path WireMock was serving at the same moment. */
    static int maxConcurrent(WireMockExtension terminal, String path) {
        List<long[]> spans = new ArrayList<>();
        for (ServeEvent event : terminal.getAllServeEvents()) {
            if (event.getRequest().getUrl().startsWith(path)) {
                long start = event.getRequest().getLoggedDate().getTime();
                spans.add(new long[] {start, start + event.getTiming().getTotalTime()});
            }
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        int max = 0;
        for (long[] span : spans) {
            int overlapping = (int) spans.stream().filter(o -> o[0] <= span[0] && span[0] < o[1]).count();
            max = Math.max(max, overlapping);
        }
        return max;
    }

    static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
