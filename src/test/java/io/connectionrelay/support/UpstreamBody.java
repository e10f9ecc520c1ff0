package io.connectionrelay.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * The Crux connections endpoint as a plain JDK HTTP server that answers 200 with whatever body it
 * is given, framed as asked: with a Content-Length (camel-http keeps up to 8 KB of such a body in
 * memory as byte[]) or chunked, without one (always a stream). A body from a file is streamed from
 * disk, so a 100 MB answer never sits in the test's heap.
 */
public final class UpstreamBody implements AutoCloseable {

    public static final String CONNECTIONS = "/timp/organizations/connections/";

    public enum Framing { CONTENT_LENGTH, CHUNKED }

    private interface Body {
        long length() throws IOException;

        InputStream open() throws IOException;
    }

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Body body;
    private volatile Framing framing = Framing.CONTENT_LENGTH;

    public UpstreamBody() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext(CONNECTIONS, exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            Body answer = body;
            long length = answer.length();
            // the JDK server: -1 is "Content-Length: 0", 0 is "chunked"
            exchange.sendResponseHeaders(200, framing == Framing.CHUNKED ? 0 : length == 0 ? -1 : length);
            try (InputStream in = answer.open(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public UpstreamBody answer(byte[] bytes, Framing as) {
        body = new Body() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(bytes);
            }
        };
        framing = as;
        return this;
    }

    public UpstreamBody answer(Path file, Framing as) {
        body = new Body() {
            @Override
            public long length() throws IOException {
                return Files.size(file);
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
        framing = as;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
