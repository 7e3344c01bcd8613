package dev.pontoon.s3dest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for the AWS Glue Data Catalog on 127.0.0.1, speaking Glue's protocol (awsJson1.1:
 * {@code POST /} with {@code X-Amz-Target: AWSGlue.<Operation>}, errors as {@code {"__type": …, "Message": …}})
 * for the operations the commit uses: GetTable, CreateTable, UpdateTable, BatchCreatePartition. Tables and
 * partitions are kept in memory; an operation can be denied as IAM would deny it. There is no local Glue: this
 * answers as Glue's API reference says, which was not checked against AWS itself.
 */
public final class GlueStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Set<String> databases = ConcurrentHashMap.newKeySet();
    private final Map<String, ObjectNode> tables = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ObjectNode>> partitions = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    public GlueStandIn(String... databases) throws IOException {
        this.databases.addAll(List.of(databases));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code operation} (e.g. "BatchCreatePartition") with AccessDeniedException from now on. */
    public void deny(String operation) {
        denied.add(operation);
    }

    /** The table as Glue would return it from GetTable, or null. */
    public ObjectNode table(String database, String table) {
        ObjectNode t = tables.get(database + "." + table);
        return t == null ? null : t.deepCopy();
    }

    /** The partition values registered for the table, sorted. */
    public List<String> partitionValues(String database, String table) {
        return new ArrayList<>(
                partitions.getOrDefault(database + "." + table, Map.of()).keySet());
    }

    /** "Operation" for each request, in order. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ") || !auth.contains("/glue/aws4_request")) {
            error(exchange, "UnrecognizedClientException", "The security token included in the request is invalid.");
            return;
        }
        if (target == null || !target.startsWith("AWSGlue.")) {
            error(exchange, "UnknownOperationException", "Unknown operation " + target);
            return;
        }
        String op = target.substring("AWSGlue.".length());
        calls.add(op);
        if (denied.contains(op)) {
            error(
                    exchange,
                    "AccessDeniedException",
                    "User: arn:aws:iam::111111111111:user/exporter is not authorized to " + "perform: glue:" + op
                            + " on resource: arn:aws:glue:us-east-1:111111111111:catalog");
            return;
        }
        String db = body.path("DatabaseName").asText();
        if (!databases.contains(db)) {
            error(exchange, "EntityNotFoundException", "Database " + db + " not found.");
            return;
        }
        switch (op) {
            case "GetTable" -> {
                ObjectNode t = tables.get(db + "." + body.path("Name").asText());
                if (t == null) {
                    error(
                            exchange,
                            "EntityNotFoundException",
                            "Table " + body.path("Name").asText() + " not found.");
                    return;
                }
                ObjectNode out = JSON.createObjectNode();
                out.set("Table", t);
                ok(exchange, out);
            }
            case "CreateTable", "UpdateTable" -> {
                ObjectNode input = (ObjectNode) body.path("TableInput");
                String key = db + "." + input.path("Name").asText();
                boolean exists = tables.containsKey(key);
                if (op.equals("CreateTable") && exists) {
                    error(exchange, "AlreadyExistsException", "Table already exists.");
                    return;
                }
                if (op.equals("UpdateTable") && !exists) {
                    error(
                            exchange,
                            "EntityNotFoundException",
                            "Table " + input.path("Name").asText() + " not found.");
                    return;
                }
                ObjectNode table = input.deepCopy();
                table.put("DatabaseName", db);
                tables.put(key, table);
                ok(exchange, JSON.createObjectNode());
            }
            case "BatchCreatePartition" -> {
                Map<String, ObjectNode> registered = partitions.computeIfAbsent(
                        db + "." + body.path("TableName").asText(), k -> Collections.synchronizedMap(new TreeMap<>()));
                ObjectNode out = JSON.createObjectNode();
                ArrayNode errors = out.putArray("Errors");
                for (JsonNode p : body.path("PartitionInputList")) {
                    String values = String.join(",", JSON.convertValue(p.path("Values"), String[].class));
                    if (registered.putIfAbsent(values, (ObjectNode) p) != null) {
                        ObjectNode e = errors.addObject();
                        e.set("PartitionValues", p.path("Values"));
                        e.putObject("ErrorDetail")
                                .put("ErrorCode", "AlreadyExistsException")
                                .put("ErrorMessage", "Partition already exists.");
                    }
                }
                ok(exchange, out);
            }
            default -> error(exchange, "UnknownOperationException", "Unknown operation " + op);
        }
    }

    private static void ok(HttpExchange exchange, JsonNode body) throws IOException {
        send(exchange, 200, body);
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("Message", message);
        send(exchange, 400, body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "glue-stand-in");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
