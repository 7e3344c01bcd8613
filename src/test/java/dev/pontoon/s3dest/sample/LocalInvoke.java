package dev.pontoon.s3dest.sample;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.Names;
import dev.pontoon.s3dest.handler.CommitHandler;
import dev.pontoon.s3dest.handler.ConnectionTestHandler;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.IcebergRestServer;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Conversions;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs any event of {@code events/} locally, the {@code sam local invoke} of a machine without Docker: an
 * S3-compatible server (s3proxy) on 127.0.0.1 keeps its objects as plain files under a folder; the event's buckets
 * are pointed at it; the handler is chosen from the event's shape (or {@code --handler}); it runs through the same
 * handler classes as on Lambda; the result, the keys written and a preview of the rows (read back by DuckDB) are
 * printed. A failure prints the function's own error as Lambda reports it ({@code errorType}, {@code errorMessage}),
 * once, and exits with 1.
 *
 * <pre>
 * LocalInvoke &lt;event.json&gt; [--staged &lt;folder or file&gt;] [--folder target/local-s3]
 *             [--handler transfer|commit|connection-test|state-machine] [--files-per-chunk 10]
 * </pre>
 *
 * Staged sources ({@code source.uris}, or a state-machine input's {@code source.bucket}/{@code prefix}) are
 * uploaded first from {@code --staged}: a file for a single object, else a folder whose files are matched by name
 * (an object key ending in {@code .gz} or {@code .zst} takes the file without that suffix, compressed on upload).
 */
public final class LocalInvoke {
    private final PrintStream out;
    private Path folder = Path.of("target/local-s3");
    private Path staged;
    private String handler;
    private int filesPerChunk = 10;

    LocalInvoke(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        StandaloneLogging.configure();
        int status = new LocalInvoke(System.out).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the event; 0 when the function returned normally, 1 when it failed (the error is printed), 2 for usage. */
    int run(String[] args) {
        Path eventFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--staged" -> staged = Path.of(args[++i]);
                case "--folder" -> folder = Path.of(args[++i]);
                case "--handler" -> handler = args[++i];
                case "--files-per-chunk" -> filesPerChunk = Integer.parseInt(args[++i]);
                default -> eventFile = Path.of(args[i]);
            }
        }
        if (eventFile == null || !Files.isRegularFile(eventFile)) {
            out.println("usage: LocalInvoke <event.json> [--staged <folder or file>] [--folder <dir>] "
                    + "[--handler transfer|commit|connection-test|state-machine] [--files-per-chunk N]"
                    + (eventFile == null ? "" : "\nno such file: " + eventFile));
            return 2;
        }
        folder = folder.toAbsolutePath();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            out.println("cannot create " + folder + ": " + e.getMessage());
            return 2;
        }
        IcebergRestServer iceberg = null;
        try (S3TestServer server = S3TestServer.onFolder(folder)) {
            JsonNode event = readEvent(eventFile);
            String kind = handler != null ? handler : kind(event);
            out.println("S3-compatible server on " + server.endpoint() + ", objects kept under " + folder);
            out.println("Event: " + eventFile + " (" + kind + ")");
            if (kind.equals("connection-test")) {
                pointConnectionTestAt(server, event);
            } else {
                pointAt(server, event);
            }
            iceberg = icebergCatalog(server, event);
            JsonNode result = switch (kind) {
                case "transfer" -> invoke(TransferHandler.standalone(Loopback.processEnv()), event);
                case "commit" -> invoke(CommitHandler.standalone(Loopback.processEnv()), event);
                case "connection-test" ->
                    invoke(
                            ConnectionTestHandler.over(new ConnectionTester(
                                    new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.processEnv()))),
                            event);
                case "state-machine" -> stateMachine(server, (ObjectNode) event);
                default ->
                    throw new InvalidEventException("--handler: unknown handler '" + kind
                            + "' (transfer, commit, connection-test or state-machine)");
            };
            out.println();
            out.println(
                    "Result: " + Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            preview(server, event);
            if (iceberg != null) {
                describeTable(iceberg, event);
            }
            describeDelta(server, event);
            return 0;
        } catch (Exception e) {
            // What Lambda reports for an unhandled exception: its full class name and its message, nothing else.
            ObjectNode error = Json.MAPPER.createObjectNode();
            error.put("errorType", e.getClass().getName());
            error.put("errorMessage", e.getMessage());
            out.println();
            out.println("Error: " + error);
            return 1;
        } finally {
            if (iceberg != null) {
                try {
                    iceberg.close();
                } catch (Exception e) {
                    out.println("stopping the local Iceberg catalog: " + e);
                }
            }
        }
    }

    /**
     * An event whose destination names an {@code iceberg-rest} catalog gets one in process (Iceberg's REST servlet
     * over SQLite, its files on the local S3 server), with the event's namespace created and its URI pointed at it.
     */
    private IcebergRestServer icebergCatalog(S3TestServer server, JsonNode event) throws Exception {
        IcebergRestServer catalog = null;
        for (JsonNode transfer : transfers(event)) {
            if (transfer.path("destination").path("catalog") instanceof ObjectNode c
                    && "iceberg-rest".equals(c.path("type").asText())) {
                if (catalog == null) {
                    catalog = new IcebergRestServer(server, "local-warehouse");
                    out.println("Iceberg REST catalog on " + catalog.uri() + " (Iceberg's REST servlet over SQLite)");
                }
                Namespace ns =
                        Namespace.of(c.path("namespace").asText("default").split("\\."));
                if (!catalog.backend().namespaceExists(ns)) {
                    catalog.backend().createNamespace(ns);
                }
                c.put("uri", catalog.uri().toString());
                c.put("sigv4", false);
            }
        }
        return catalog;
    }

    /** The Iceberg table the commit wrote: its snapshots, and the current snapshot's files with their statistics. */
    private void describeTable(IcebergRestServer catalog, JsonNode event) {
        for (JsonNode transfer : transfers(event)) {
            JsonNode c = transfer.path("destination").path("catalog");
            if (!"iceberg-rest".equals(c.path("type").asText())) {
                continue;
            }
            TableIdentifier id = TableIdentifier.of(
                    Namespace.of(c.path("namespace").asText().split("\\.")),
                    c.path("table").asText(transfer.path("model").path("name").asText()));
            if (!catalog.backend().tableExists(id)) {
                continue;
            }
            Table table = catalog.backend().loadTable(id);
            out.println();
            out.println("Iceberg table " + id + " at " + table.location() + ", partitioned by "
                    + table.spec().fields());
            out.println("  schema: "
                    + table.schema().columns().stream()
                            .map(f -> f.name() + " " + f.type())
                            .toList());
            for (Snapshot snapshot : table.snapshots()) {
                out.println("  snapshot " + snapshot.snapshotId() + ": batch "
                        + snapshot.summary().get("pontoon.batch_id") + ", added "
                        + snapshot.summary().get("added-data-files") + " files, "
                        + snapshot.summary().get("added-records") + " records");
            }
            if (table.currentSnapshot() != null) {
                for (DataFile f : table.currentSnapshot().addedDataFiles(table.io())) {
                    out.println("  " + f.location() + ": " + f.recordCount() + " records, " + f.fileSizeInBytes()
                            + " bytes, bounds of "
                            + table.schema().columns().get(0).name() + ": "
                            + bound(table, f, true) + ".." + bound(table, f, false));
                }
            }
        }
    }

    /** A Delta table the commit wrote: each version of its log, and what it added. */
    private void describeDelta(S3TestServer server, JsonNode event) {
        for (JsonNode transfer : transfers(event)) {
            JsonNode d = transfer.path("destination");
            boolean delta = "delta".equals(d.path("catalog").path("type").asText());
            for (JsonNode c : d.path("catalogs")) {
                delta |= "delta".equals(c.path("type").asText());
            }
            if (!delta) {
                continue;
            }
            String prefix = d.path("s3_prefix").asText("");
            String root = (prefix.isEmpty() ? "" : prefix + "/")
                    + transfer.path("model").path("name").asText() + "/";
            String bucket = d.path("s3_bucket").asText();
            try (var s3 = server.client()) {
                out.println();
                out.println("Delta table s3://" + bucket + "/" + root + " (log in _delta_log/)");
                for (var o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(root + "_delta_log/"))
                        .contents()) {
                    String name = o.key().substring((root + "_delta_log/").length());
                    if (!name.endsWith(".json") || name.startsWith(".")) {
                        out.println("  " + name);
                        continue;
                    }
                    String body = s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key()))
                            .asUtf8String();
                    long files = 0;
                    long records = 0;
                    String batch = "?";
                    for (String line : body.split("\n")) {
                        JsonNode action = Json.read(line);
                        if (action.has("add")) {
                            files++;
                            records += Json.read(action.get("add").get("stats").asText())
                                    .path("numRecords")
                                    .asLong();
                        } else if (action.has("txn")) {
                            batch = action.get("txn").get("appId").asText();
                        }
                    }
                    out.println("  version " + Long.parseLong(name.substring(0, 20)) + ": " + batch + ", added " + files
                            + " files, " + records + " records");
                }
            }
        }
    }

    private static Object bound(Table table, DataFile file, boolean lower) {
        var field = table.schema().columns().get(0);
        var b = (lower ? file.lowerBounds() : file.upperBounds()).get(field.fieldId());
        return b == null ? "?" : Conversions.fromByteBuffer(field.type(), b);
    }

    private static JsonNode readEvent(Path file) throws IOException {
        return Json.read(Files.readString(file));
    }

    /** The handler the event's shape asks for. */
    static String kind(JsonNode event) {
        if (event.has("Records") || event.has("Items") && event.has("BatchInput")) {
            return "transfer";
        }
        if (event.has("transfer") && event.has("source")) {
            return "state-machine";
        }
        if (event.has("destination") && !event.has("model")) {
            return "connection-test";
        }
        return "transfer";
    }

    /** Every destination and source of the event, pointed at the embedded server; staged objects uploaded. */
    private void pointAt(S3TestServer server, JsonNode event) throws IOException {
        if (event.has("Records")) {
            for (JsonNode record : event.get("Records")) {
                JsonNode body = Json.read(record.path("body").asText("{}"));
                if (body.isObject()) {
                    pointTransferAt(server, (ObjectNode) body);
                    ((ObjectNode) record).put("body", body.toString());
                }
            }
        } else if (event.has("transfer") && event.get("transfer").isObject()) {
            pointTransferAt(server, (ObjectNode) event.get("transfer"));
        } else if (event.isObject()) {
            pointTransferAt(server, (ObjectNode) event);
        }
        if (event.has("source") && event.get("source").has("bucket")) {
            ObjectNode source = (ObjectNode) event.get("source");
            source.put("endpoint_url", server.endpoint().toString());
            stagePrefix(
                    server, source.get("bucket").asText(), source.path("prefix").asText(""));
        }
    }

    /**
     * A connection test is run as given when its destination names an endpoint: its own endpoint, keys and bucket,
     * so wrong keys, a missing bucket or a dead endpoint show as they would on Lambda. A destination on AWS itself
     * (no endpoint) is pointed at the local server instead, and the output says so.
     */
    private void pointConnectionTestAt(S3TestServer server, JsonNode event) {
        if (!(event.get("destination") instanceof ObjectNode d)) {
            return;
        }
        if (d.hasNonNull("endpoint_url")) {
            out.println("Connection test as given: the event's own endpoint_url "
                    + d.get("endpoint_url").asText()
                    + (d.has("aws_access_key_id") ? " and keys" : " (no keys: the function's own credentials)"));
            return;
        }
        d.put("endpoint_url", server.endpoint().toString());
        d.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
        d.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
        createBucket(server, d.path("s3_bucket").asText(""));
        out.println("NOTE: the destination names no endpoint_url (AWS S3 itself, not reachable from a local run):"
                + " the connection test runs against the local server " + server.endpoint() + ", with its keys and"
                + " the bucket created there. Give destination.endpoint_url (and keys) to test an endpoint as given.");
    }

    private void pointTransferAt(S3TestServer server, ObjectNode transfer) throws IOException {
        if (transfer.get("destination") instanceof ObjectNode d) {
            d.put("endpoint_url", server.endpoint().toString());
            d.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
            d.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
            createBucket(server, d.path("s3_bucket").asText(""));
        }
        if (transfer.get("source") instanceof ObjectNode source && source.has("uris")) {
            source.put("endpoint_url", server.endpoint().toString());
            for (JsonNode uri : source.get("uris")) {
                stage(server, uri.asText());
            }
        }
    }

    /** The transfer-shaped objects of any event: itself, each SQS record's body, or the batch's transfer. */
    private static List<JsonNode> transfers(JsonNode event) {
        List<JsonNode> list = new ArrayList<>();
        if (event.has("Records")) {
            for (JsonNode record : event.get("Records")) {
                list.add(Json.read(record.path("body").asText("{}")));
            }
        } else if (event.has("transfer")) {
            list.add(event.get("transfer"));
        } else {
            list.add(event);
        }
        return list;
    }

    private void createBucket(S3TestServer server, String raw) {
        String bucket = raw.startsWith("s3://") ? raw.substring(5) : raw;
        try {
            Names.normalizeBucket("bucket", bucket);
        } catch (InvalidEventException e) {
            return; // not a bucket name: the handler says so, in its own words
        }
        if (!Files.isDirectory(folder.resolve(bucket))) {
            server.createBucket(bucket);
        }
    }

    private void stage(S3TestServer server, String uri) throws IOException {
        if (!uri.startsWith("s3://") || uri.indexOf('/', "s3://".length()) < 0) {
            return; // not an s3://bucket/key: the handler says so, in its own words
        }
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        Path local = localFileFor(key);
        createBucket(server, bucket);
        upload(server, bucket, key, local);
    }

    private void stagePrefix(S3TestServer server, String bucket, String prefix) throws IOException {
        createBucket(server, bucket);
        if (staged == null) {
            throw new IllegalArgumentException("this event reads the staged objects under s3://" + bucket + "/" + prefix
                    + ": pass --staged <folder> with the files to put there (e.g. events/staged/orders)");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(staged)) {
            try (var list = Files.list(staged)) {
                list.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else {
            files.add(staged);
        }
        // The prefix is the batch: what an earlier local run left there would join it.
        try (S3Client s3 = server.client()) {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))
                    .contents()) {
                s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
            }
        }
        for (Path file : files) {
            upload(server, bucket, prefix + file.getFileName(), file);
        }
        out.println("Staged " + files.size() + " objects under s3://" + bucket + "/" + prefix + " from " + staged);
    }

    private Path localFileFor(String key) {
        if (staged == null) {
            throw new IllegalArgumentException(
                    "this event reads staged objects (source.uris): pass --staged <folder or "
                            + "file> with the files to upload first (e.g. events/staged/orders)");
        }
        if (Files.isRegularFile(staged)) {
            return staged;
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        for (String candidate : new String[] {name, name.replaceFirst("\\.(gz|gzip|zst|zstd)$", "")}) {
            if (Files.isRegularFile(staged.resolve(candidate))) {
                return staged.resolve(candidate);
            }
        }
        throw new IllegalArgumentException("no file for staged object " + key + " in " + staged + " (looked for " + name
                + " and the same name without .gz/.zst)");
    }

    private void upload(S3TestServer server, String bucket, String key, Path local) throws IOException {
        byte[] bytes = Files.readAllBytes(local);
        boolean gzipKey = key.endsWith(".gz") || key.endsWith(".gzip");
        boolean gzipped = bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (gzipKey && !gzipped) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
                z.write(bytes);
            }
            bytes = gz.toByteArray();
        } else if ((key.endsWith(".zst") || key.endsWith(".zstd")) && !isZstd(bytes)) {
            throw new IllegalArgumentException(local + " is not zstd-compressed but " + key + " says so");
        }
        byte[] body = bytes;
        try (S3Client s3 = server.client()) {
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(body));
        }
        out.println("Staged s3://" + bucket + "/" + key + " from " + local);
    }

    private static boolean isZstd(byte[] b) {
        return b.length > 3
                && (b[0] & 0xff) == 0x28
                && (b[1] & 0xff) == 0xb5
                && (b[2] & 0xff) == 0x2f
                && (b[3] & 0xff) == 0xfd;
    }

    private JsonNode invoke(RequestStreamHandler function, JsonNode event) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        function.handleRequest(
                new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), output, null);
        return Json.read(output.toString(StandardCharsets.UTF_8));
    }

    /**
     * What the template's state machine does: its Distributed Map hands each chunk of {@code --files-per-chunk}
     * consecutive objects of the listing to the transfer function, then the commit runs on the same input. (The
     * state machine itself is run by an ASL interpreter in StateMachineTest.)
     */
    private JsonNode stateMachine(S3TestServer server, ObjectNode input) throws IOException {
        JsonNode source = input.get("source");
        List<String> keys;
        try (S3Client s3 = server.client()) {
            keys = s3
                    .listObjectsV2Paginator(r -> r.bucket(source.path("bucket").asText())
                            .prefix(source.path("prefix").asText("")))
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .toList();
        }
        TransferHandler transfer = TransferHandler.standalone(Loopback.processEnv());
        for (int first = 0; first < keys.size(); first += filesPerChunk) {
            ObjectNode chunk = Json.MAPPER.createObjectNode();
            ArrayNode items = chunk.putArray("Items");
            for (int i = first; i < Math.min(keys.size(), first + filesPerChunk); i++) {
                items.addObject().put("key", keys.get(i)).put("index", i);
            }
            chunk.set("BatchInput", input);
            JsonNode result = invoke(transfer, chunk);
            out.println("Chunk of objects " + first + ".." + (first + items.size() - 1) + ": " + result.get("rows")
                    + " rows, " + result.get("files").size() + " files");
        }
        return invoke(CommitHandler.standalone(Loopback.processEnv()), input);
    }

    /** The keys under each destination bucket and the first rows of each Parquet file. */
    private void preview(S3TestServer server, JsonNode event) throws Exception {
        TreeSet<String> buckets = new TreeSet<>();
        for (JsonNode transfer : transfers(event)) {
            String bucket = transfer.path("destination").path("s3_bucket").asText("");
            if (!bucket.isEmpty()) {
                buckets.add(bucket.startsWith("s3://") ? bucket.substring(5) : bucket);
            }
        }
        for (String bucket : buckets) {
            if (!Files.isDirectory(folder.resolve(bucket))) {
                continue;
            }
            List<String> keys;
            try (S3Client s3 = server.client()) {
                keys = s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                        .map(S3Object::key)
                        .toList();
            }
            for (String key : keys) {
                Path local = folder.resolve(bucket).resolve(key);
                out.println();
                out.println("s3://" + bucket + "/" + key);
                out.println("  local file: " + local + " (" + Files.size(local) + " bytes)");
                if (key.endsWith(".parquet")) {
                    for (Map<String, Object> row :
                            Parquet.query("SET TimeZone='UTC'; SELECT * FROM read_parquet('" + local + "') LIMIT 3")) {
                        out.println("  " + row);
                    }
                }
            }
            out.println();
            out.println("Query it yourself: duckdb -c \"SELECT * FROM read_parquet('" + folder.resolve(bucket)
                    + "/**/*.parquet', hive_partitioning = true)\"");
        }
    }
}
