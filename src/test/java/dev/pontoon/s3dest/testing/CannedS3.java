package dev.pontoon.s3dest.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for what s3proxy cannot produce: an endpoint answering every request with one of S3's real error
 * responses (a bucket in another region), an endpoint that accepts connections and never answers, and a port
 * nobody listens on. All on 127.0.0.1; each stops on {@link #close()}.
 */
public final class CannedS3 implements AutoCloseable {
    private final HttpServer http;
    private final ServerSocket silent;
    private final List<Socket> held = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private CannedS3(HttpServer http, ServerSocket silent) {
        this.http = http;
        this.silent = silent;
    }

    /** Answers every request with {@code status}, the headers and an S3 error document. */
    public static CannedS3 error(int status, Map<String, String> headers, String code, String message, String extraXml)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CannedS3 canned = new CannedS3(server, null);
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                        + "</Message>" + extraXml
                        + "<RequestId>0123456789ABCDEF</RequestId><HostId>test</HostId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            canned.requests.incrementAndGet();
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.getResponseHeaders().add("x-amz-request-id", "0123456789ABCDEF");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return canned;
    }

    /** Accepts connections and never answers, like a firewall that swallows packets after the handshake. */
    public static CannedS3 silent() throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        CannedS3 canned = new CannedS3(null, socket);
        Thread acceptor = new Thread(
                () -> {
                    while (!socket.isClosed()) {
                        try {
                            Socket s = socket.accept();
                            canned.requests.incrementAndGet();
                            synchronized (canned.held) {
                                canned.held.add(s);
                            }
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "silent-s3");
        acceptor.setDaemon(true);
        acceptor.start();
        return canned;
    }

    /** A loopback address with no listener: connections are refused at once. */
    public static URI closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    public URI endpoint() {
        int port = http != null ? http.getAddress().getPort() : silent.getLocalPort();
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Requests (or, for the silent endpoint, connections) received so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        if (http != null) {
            http.stop(0);
        }
        if (silent != null) {
            silent.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
