package io.connectionrelay.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * The webhook channel's receiving side: the events one subscriber (a WireMock server, a path)
 * received, from WireMock's request log. An event counts as accepted when WireMock answered it
 * 2xx, whether or not the relay waited for that answer: a subscriber that processed an event and
 * answered too late has still processed it.
 */
public final class WebhookLog implements DeliveryObserver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockExtension subscriber;
    private final String path;

    private WebhookLog(WireMockExtension subscriber, String path) {
        this.subscriber = subscriber;
        this.path = path;
    }

    public static WebhookLog of(WireMockExtension subscriber, String path) {
        return new WebhookLog(subscriber, path);
    }

    /** One request as the subscriber saw it. */
    public record Received(String webhookId, String key, String change, int status, long at) {

        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    @Override
    public String channel() {
        return "webhook";
    }

    @Override
    public Set<String> delivered() {
        Set<String> keys = new LinkedHashSet<>();
        received().stream().filter(Received::accepted).forEach(r -> keys.add(r.key()));
        return keys;
    }

    /**
     * A webhook-id answered 2xx more than once, or one change of one connection (previous status
     * to status) answered 2xx under more than one webhook-id. The second rule assumes a test's
     * connections do not flip back and forth, which would legitimately repeat a change.
     */
    @Override
    public List<String> duplicates() {
        Map<String, List<Received>> byId = new LinkedHashMap<>();
        Map<String, Set<String>> idsByChange = new LinkedHashMap<>();
        for (Received r : received()) {
            if (r.accepted()) {
                byId.computeIfAbsent(r.webhookId(), id -> new ArrayList<>()).add(r);
                idsByChange.computeIfAbsent(r.change(), c -> new LinkedHashSet<>()).add(r.webhookId());
            }
        }
        List<String> duplicates = new ArrayList<>();
        byId.forEach((id, all) -> {
            if (all.size() > 1) {
                duplicates.add("webhook-id " + id + " (" + all.get(0).change() + ") answered 2xx " + all.size() + " times");
            }
        });
        idsByChange.forEach((change, ids) -> {
            if (ids.size() > 1) {
                duplicates.add(change + " accepted under " + ids.size() + " webhook-ids " + ids);
            }
        });
        return duplicates;
    }

    /** Every POST to the path, in the order WireMock logged them. */
    public List<Received> received() {
        List<Received> all = new ArrayList<>();
        for (ServeEvent event : subscriber.getAllServeEvents()) {
            String url = event.getRequest().getUrl();
            String requestPath = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
            if (!event.getRequest().getMethod().getName().equals("POST") || !requestPath.equals(path)) {
                continue;
            }
            JsonNode body = read(event.getRequest().getBodyAsString());
            JsonNode data = body.path("data");
            String key = data.path("source").asText() + ":" + data.path("connectionId").asText();
            String change = key + " " + body.path("previous_status").asText("null") + "->" + data.path("status").asText();
            all.add(new Received(event.getRequest().getHeader("webhook-id"), key, change,
                    event.getResponse().getStatus(), event.getRequest().getLoggedDate().getTime()));
        }
        all.sort(Comparator.comparingLong(Received::at));
        return all;
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("a webhook request body is not JSON: " + body, e);
        }
    }

    @Override
    public String toString() {
        return "webhooks received at " + subscriber.baseUrl() + path;
    }
}
