package io.connectionrelay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Serves one payload file as the Crux connections endpoint on a loopback port, as fast as the
 * machine allows, so neither the reference nor the bundle is measured against the server: the
 * file goes to the socket with FileChannel.transferTo (in the kernel, no copy through the heap),
 * connections are kept alive, and each request costs one header parse. Any GET is answered with
 * the payload; a client that sends a body or a chunked request is not expected here.
 */
final class PayloadServer implements AutoCloseable {

    static final String PATH = "/timp/organizations/connections/";
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    private final Path payload;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    PayloadServer(Path payload) throws IOException {
        this.payload = payload;
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = new Thread(this::accept, "payload-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread serving = new Thread(() -> serve(client), "payload-server-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; FileChannel file = FileChannel.open(payload, StandardOpenOption.READ)) {
            client.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ByteBuffer request = ByteBuffer.allocate(64 * 1024);
            while (readHeaders(client, request)) {
                long size = file.size();
                client.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                for (long sent = 0; sent < size; ) {
                    sent += file.transferTo(sent, size - sent, client);
                }
            }
        } catch (IOException clientWentAway) {
            // the client closed its connection: nothing to serve
        }
    }

    /** Reads one request's headers; false when the client closed the connection instead. */
    private static boolean readHeaders(SocketChannel client, ByteBuffer request) throws IOException {
        request.clear();
        while (true) {
            if (client.read(request) < 0) {
                return false;
            }
            int end = indexOf(request, HEADERS_END);
            if (end >= 0) {
                return true;
            }
            if (!request.hasRemaining()) {
                throw new IOException("request headers larger than " + request.capacity() + " bytes");
            }
        }
    }

    private static int indexOf(ByteBuffer buffer, byte[] needle) {
        byte[] bytes = buffer.array();
        for (int i = 0; i + needle.length <= buffer.position(); i++) {
            int j = 0;
            while (j < needle.length && bytes[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
