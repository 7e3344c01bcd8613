package dev.pontoon.s3dest.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A listener posing as an internal service (an instance metadata endpoint, an admin API): it records the head of
 * every request it gets and answers with a marker body, a redirect, a 500 or nothing at all. Started on its own
 * loopback address (127.0.0.2 by default), outside the tests' allow-list, so the trust policy must keep the
 * function away from it; on 127.0.0.1 it stands for a customer's own server that is reachable.
 */
public final class InternalService implements AutoCloseable {
    /** Text that must never appear in a result, an error or a file. */
    public static final String MARKER = "INTERNAL-SECRET-7f3a9c";

    public enum Answer {
        MARKER_200,
        MARKER_500,
        REDIRECT,
        HANG
    }

    private final HttpServer http;
    private final List<String> heads = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Answer answer;
    private volatile URI redirectTo;

    private InternalService(String address, Answer answer) throws IOException {
        this.answer = answer;
        this.http = HttpServer.create(new InetSocketAddress(address, 0), 0);
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "internal-service");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", exchange -> {
            StringBuilder head = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getRequestHeaders()
                    .forEach((k, v) -> head.append('\n').append(k).append(": ").append(v));
            synchronized (heads) {
                heads.add(head.toString());
            }
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            switch (this.answer) {
                case HANG -> {
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                }
                case REDIRECT -> {
                    exchange.getResponseHeaders().add("Location", redirectTo.toString());
                    exchange.sendResponseHeaders(307, -1);
                    exchange.close();
                }
                default -> {
                    byte[] body = ("{\"error\":{\"message\":\"" + MARKER + "\",\"type\":\"" + MARKER
                                    + "\",\"code\":500},\"rows\":[{\"id\":\"" + MARKER + "\"}]}\n<Error><Code>"
                                    + MARKER + "</Code><Message>" + MARKER + "</Message></Error>")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.getResponseHeaders().add("x-amz-bucket-region", MARKER);
                    exchange.sendResponseHeaders(this.answer == Answer.MARKER_200 ? 200 : 500, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        http.start();
    }

    /** On 127.0.0.2: outside the allow-list. */
    public static InternalService internal(Answer answer) throws IOException {
        return new InternalService("127.0.0.2", answer);
    }

    /** On 127.0.0.1: inside the tests' allow-list (a reachable server the customer chose). */
    public static InternalService reachable(Answer answer) throws IOException {
        return new InternalService("127.0.0.1", answer);
    }

    /** Answers with a redirect to {@code target}. */
    public InternalService redirectingTo(URI target) {
        this.redirectTo = target;
        this.answer = Answer.REDIRECT;
        return this;
    }

    public URI endpoint() {
        return URI.create("http://" + http.getAddress().getAddress().getHostAddress() + ":"
                + http.getAddress().getPort());
    }

    /** The heads of the requests received so far. */
    public List<String> heads() {
        synchronized (heads) {
            return List.copyOf(heads);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        http.stop(0);
    }
}
