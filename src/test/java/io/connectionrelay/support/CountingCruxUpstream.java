package io.connectionrelay.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import io.connectionrelay.demo.CruxPayloadGenerator;

/**
 * A Crux connections endpoint for replicas to share: it notes when each poll arrived (so a test
 * counts polls per period and sees a takeover) and answers after a delay the test sets (so a poll
 * can be caught, or killed, in the middle).
 */
public final class CountingCruxUpstream implements AutoCloseable {

    private final List<Long> polls = new CopyOnWriteArrayList<>();
    private final CruxPayloadGenerator payloads = new CruxPayloadGenerator();
    private final HttpServer server;
    private volatile long answerDelayMillis;

    /** Serves this many generated connections at each poll. */
    public CountingCruxUpstream(int connections) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/timp/organizations/connections/", exchange -> {
            polls.add(System.currentTimeMillis());
            byte[] body = payloads.payload(connections);
            try {
                Thread.sleep(answerDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** When each poll arrived (epoch millis), in order. */
    public List<Long> polls() {
        return polls;
    }

    public void answerAfter(long millis) {
        answerDelayMillis = millis;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
