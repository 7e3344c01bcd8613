package dev.pontoon.s3dest.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Lambda's Invoke API on 127.0.0.1, one path per function ({@code POST /transfer}): runs the real handler on the
 * payload and answers with its output, or, when it throws, with Lambda's error body ({@code errorType} = the
 * exception's full class name, {@code errorMessage}) and the {@code X-Amz-Function-Error} header, as Lambda does.
 * What a state machine's tasks call in {@code StateMachineTest}.
 */
public final class LambdaEndpoint implements AutoCloseable {
    private final HttpServer server;

    public LambdaEndpoint(Map<String, RequestStreamHandler> functions) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        functions.forEach((name, handler) -> server.createContext("/" + name, exchange -> {
            byte[] body;
            boolean failed = false;
            try (InputStream in = exchange.getRequestBody()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    handler.handleRequest(in, out, null);
                    body = out.toByteArray();
                } catch (RuntimeException | IOException e) {
                    failed = true;
                    ObjectNode error = JsonNodeFactory.instance.objectNode();
                    error.put("errorType", e.getClass().getName());
                    error.put("errorMessage", e.getMessage());
                    body = error.toString().getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (failed) {
                exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }));
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
