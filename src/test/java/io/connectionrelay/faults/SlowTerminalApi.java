package io.connectionrelay.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Terminal API with as many generated connections as a test needs, whose per-connection details
 * call (GET /connections/current) answers after a delay: a cycle that lasts as long as the test
 * wants, with the state database used for every record. Pages are "p-OFFSET" cursors.
 */
final class SlowTerminalApi implements AutoCloseable {

    static final String BASE = "/tsp/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final int connections;
    private volatile long detailsDelayMillis;
    private final AtomicInteger detailsServed = new AtomicInteger();

    SlowTerminalApi(int connections, long detailsDelayMillis) throws IOException {
        this.connections = connections;
        this.detailsDelayMillis = detailsDelayMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext(BASE + "/connections", this::answer);
        server.setExecutor(threads);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + BASE;
    }

    /** From now on, the details call answers after this delay. */
    void detailsDelay(long millis) {
        detailsDelayMillis = millis;
    }

    int detailsServed() {
        return detailsServed.get();
    }

    static String id(int i) {
        return String.format("conn_gen_%05d", i);
    }

    /** The record keys of every connection for a source. */
    List<String> keys(String source) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            keys.add(source + ":" + id(i));
        }
        return keys;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
        if (path.endsWith("/current")) {
            String token = exchange.getRequestHeaders().getFirst("Connection-Token");
            int i = Integer.parseInt(token.substring("tok_".length()));
            sleep();
            ObjectNode current = item(i);
            current.putObject("lastSync").put("id", "sync_" + i).put("status", "completed")
                    .put("requestedAt", "2026-11-20T09:00:00.000Z").put("completedAt", "2026-11-20T09:05:00.000Z");
            detailsServed.incrementAndGet();
            send(exchange, current.toString());
            return;
        }
        int limit = Integer.parseInt(param(query, "limit", "100"));
        int from = Integer.parseInt(param(query, "cursor", "p-0").substring(2));
        int to = Math.min(connections, from + limit);
        ObjectNode page = JSON.createObjectNode();
        ArrayNode results = page.putArray("results");
        for (int i = from; i < to; i++) {
            results.add(item(i));
        }
        if (to < connections) {
            page.put("next", "p-" + to);
        }
        send(exchange, page.toString());
    }

    private static ObjectNode item(int i) {
        ObjectNode item = JSON.createObjectNode();
        item.put("id", id(i));
        item.putObject("company").put("name", "Carrier " + i);
        item.putObject("account").put("name", "Carrier " + i + " (Geotab)");
        item.put("token", "tok_" + i);
        item.put("status", "connected");
        item.putObject("provider").put("code", "geotab").put("name", "Geotab");
        item.put("createdAt", "2026-01-06T03:24:53.000Z");
        item.put("updatedAt", "2026-10-01T08:00:00.000Z");
        return item;
    }

    private static String param(String query, String name, String fallback) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return fallback;
    }

    private void sleep() {
        try {
            Thread.sleep(detailsDelayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
