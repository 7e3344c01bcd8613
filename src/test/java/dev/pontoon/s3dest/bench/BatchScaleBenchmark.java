package dev.pontoon.s3dest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.handler.CommitHandler;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Batches;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import dev.pontoon.s3dest.transfer.TransferService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The batch path at scale, locally (docs/BATCHES.md "Batches"): stages N small JSONL objects, hands the transfer function
 * the chunks a Distributed Map would (a real listing, ItemSelector's key and index, ItemBatcher's groups of
 * FilesPerChunk), runs them CONCURRENCY at a time, commits, and checks with DuckDB that every row landed exactly
 * once. Prints files, chunks, rows and wall time of each phase.
 *
 * <p>{@code BatchScaleBenchmark [files=400] [rowsPerFile=2500] [filesPerChunk=10] [concurrency=4]}
 */
public final class BatchScaleBenchmark {
    private static final String PREFIX = "staging/scale/";

    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        org.jboss.logmanager.LogContext.getSystemLogContext()
                .getLogger("dev.pontoon.s3dest")
                .setLevel(java.util.logging.Level.WARNING);
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int rowsEach = args.length > 1 ? Integer.parseInt(args[1]) : 2500;
        int perChunk = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        try (S3TestServer server = S3TestServer.strict()) {
            server.createBucket("scale-exports");
            server.createBucket("scale-staging");
            long t0 = System.nanoTime();
            try (S3Client s3 = server.client()) {
                Batches.stage(s3, "scale-staging", PREFIX, files, rowsEach);
            }
            long staged = System.nanoTime();
            ObjectNode input = Batches.input(server, "scale-exports", "scale-staging", PREFIX, "scale1");

            // What the ItemReader and ItemBatcher hand the children: positions in the listing, in groups.
            List<ObjectNode> chunks = new ArrayList<>();
            try (S3Client s3 = server.client()) {
                List<String> keys =
                        s3.listObjectsV2Paginator(r -> r.bucket("scale-staging").prefix(PREFIX)).contents().stream()
                                .map(S3Object::key)
                                .toList();
                for (int first = 0; first < keys.size(); first += perChunk) {
                    ObjectNode chunk = Json.MAPPER.createObjectNode();
                    ArrayNode items = chunk.putArray("Items");
                    for (int i = first; i < Math.min(keys.size(), first + perChunk); i++) {
                        items.addObject().put("key", keys.get(i)).put("index", i);
                    }
                    chunk.set("BatchInput", input);
                    chunks.add(chunk);
                }
            }
            ExecutorService uploader = Executors.newCachedThreadPool();
            ExecutorService children = Executors.newFixedThreadPool(concurrency);
            S3ClientFactory clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env());
            TransferHandler transfer = TransferHandler.over(new TransferService(
                    new WriterSettings(128L << 20, 0, 32L << 20, 1 << 20),
                    16 << 20,
                    clients,
                    Json.MAPPER,
                    uploader,
                    line -> {})); // no metrics lines on stdout
            long chunksStart = System.nanoTime();
            List<Future<JsonNode>> results = new ArrayList<>();
            for (ObjectNode chunk : chunks) {
                results.add(children.submit(() -> invoke(transfer::handleRequest, chunk)));
            }
            long chunkRows = 0;
            for (Future<JsonNode> r : results) {
                chunkRows += r.get().get("rows").asLong();
            }
            long chunksEnd = System.nanoTime();
            JsonNode committed = invoke(
                    CommitHandler.over(new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients)))::handleRequest,
                    input);
            long commitEnd = System.nanoTime();
            children.shutdown();
            uploader.shutdown();

            // Every row exactly once: the manifest's files are exactly the data files, and their ids are distinct.
            List<String> parquet = new ArrayList<>();
            long expected = (long) files * rowsEach;
            try (S3Client s3 = server.client()) {
                JsonNode manifest = Json.read(s3.getObjectAsBytes(r -> r.bucket("scale-exports")
                                .key(committed.get("manifest").asText()))
                        .asUtf8String());
                List<String> listed = new ArrayList<>();
                manifest.get("files").forEach(f -> listed.add(f.get("key").asText()));
                List<String> data = s3
                        .listObjectsV2Paginator(r -> r.bucket("scale-exports").prefix("exports/orders/dt="))
                        .contents()
                        .stream()
                        .map(S3Object::key)
                        .sorted()
                        .toList();
                if (!listed.stream().sorted().toList().equals(data)) {
                    throw new IllegalStateException("the batch manifest does not list exactly the data files");
                }
                for (String key : listed) {
                    parquet.add("'" + Parquet.download(s3, "scale-exports", key) + "'");
                }
            }
            Map<String, Object> check = Parquet.query(
                            "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet(["
                                    + String.join(", ", parquet) + "])")
                    .get(0);
            boolean once = ((Number) check.get("n")).longValue() == expected
                    && ((Number) check.get("ids")).longValue() == expected
                    && chunkRows == expected;

            System.out.printf(
                    "staged:   %,d objects of %,d rows (%,d rows) in %.1f s%n",
                    files, rowsEach, expected, (staged - t0) / 1e9);
            System.out.printf(
                    "chunks:   %,d chunks of up to %d objects, %d at a time: %.1f s (%,.0f rows/s)%n",
                    chunks.size(),
                    perChunk,
                    concurrency,
                    (chunksEnd - chunksStart) / 1e9,
                    expected / ((chunksEnd - chunksStart) / 1e9));
            System.out.printf(
                    "commit:   %s, %,d data files, %,d rows, %.2f s (lists %,d objects, reads %,d chunk manifests)%n",
                    committed.get("manifest").asText(),
                    committed.get("files").asInt(),
                    committed.get("rows").asLong(),
                    (commitEnd - chunksEnd) / 1e9,
                    files,
                    chunks.size());
            System.out.printf(
                    "check:    DuckDB counted %,d rows, %,d distinct ids: every row landed exactly once: %s%n",
                    check.get("n"), check.get("ids"), once ? "yes" : "NO");
            if (!once) {
                System.exit(1);
            }
        }
    }

    private interface Handler {
        void handle(java.io.InputStream in, java.io.OutputStream out, com.amazonaws.services.lambda.runtime.Context c)
                throws java.io.IOException;
    }

    private static JsonNode invoke(Handler handler, JsonNode event) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handle(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.read(out.toString(StandardCharsets.UTF_8));
    }
}
