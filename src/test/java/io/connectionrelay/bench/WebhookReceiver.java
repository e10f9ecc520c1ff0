package io.connectionrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * A CRM stand-in that answers every webhook with 204 after a fixed latency, and records how many it
 * accepted, how many were in flight at most, and when the first and last arrived.
 */
final class WebhookReceiver implements AutoCloseable {

    static final String PATH = "/hooks";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private volatile long firstNanos;
    private volatile long lastNanos;

    WebhookReceiver(long latencyMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(threads);
        server.createContext(PATH, exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            if (firstNanos == 0) {
                firstNanos = System.nanoTime();
            }
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                Thread.sleep(latencyMillis);
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                accepted.incrementAndGet();
                lastNanos = System.nanoTime();
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    long accepted() {
        return accepted.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    double secondsFirstToLast() {
        return (lastNanos - firstNanos) / 1e9;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
