package io.connectionrelay.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.connectionrelay.demo.CruxPayloadGenerator;
import io.connectionrelay.support.Fixtures;

/**
 * The Crux payload every fault test serves: the hostile fixture (one connection per status, names
 * that break exporters) followed by generated connections, so a cycle has enough records for a
 * fault to land mid-way, and few enough to stay fast.
 */
final class FaultPayload {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArrayNode connections;

    private FaultPayload(ArrayNode connections) {
        this.connections = connections;
    }

    /** The three hostile fixture connections and {@code generated} more (the generator's seed copies are dropped). */
    static FaultPayload crux(int generated) {
        try {
            ArrayNode payload = (ArrayNode) JSON.readTree(Fixtures.text("crux-connections-hostile.json"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new CruxPayloadGenerator().write(out, generated, 7L);
            JsonNode all = JSON.readTree(out.toByteArray());
            for (int i = all.size() - generated; i < all.size(); i++) {
                payload.add(all.get(i));
            }
            return new FaultPayload(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String json() {
        return connections.toString();
    }

    /** The payload cut short, as a broken upstream might send it with a 200. */
    String truncated() {
        String json = json();
        return json.substring(0, json.length() * 2 / 3);
    }

    /** The records this payload becomes for a source: keys source:connectionId. */
    List<String> keys(String source) {
        List<String> keys = new ArrayList<>();
        connections.forEach(c -> keys.add(source + ":" + c.path("uuid").asText()));
        return keys;
    }

    int size() {
        return connections.size();
    }
}
