package dev.pontoon.s3dest.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.transfer.TransferService;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Batches committed into an Iceberg table (SPEC §11) through the real transfer and commit code: a fresh destination
 * bucket, a staging bucket and an in-process REST catalog with namespace {@code analytics}; model {@code orders} has
 * a column of every type.
 */
public final class IcebergFixture implements AutoCloseable {
    public static final TableIdentifier ORDERS = TableIdentifier.of("analytics", "orders");
    /** Three rows: every type with a value, extremes, and a row of nulls. */
    public static final String ROWS_B1 = """
            {"id": 1, "amount": "12.50", "big": "12345678901234567890.1234", "note": "a", "at": "2025-09-25T10:00:00Z", "local": "2025-09-25T10:00:00", "day": "2025-09-25", "t": "10:00:00", "flag": true, "n": 7, "f": 1.5, "d": 2.25, "doc": {"k": [1, 2]}, "blob": "AQID"}
            {"id": 2, "amount": "-3.00", "big": "-0.0001", "note": "a much longer note than sixteen", "at": "2025-09-24T23:59:59.999999+02:00", "local": "1969-12-31T23:59:59.5", "day": "1970-01-01", "t": "23:59:59.999999", "flag": false, "n": -2147483648, "f": -0.5, "d": 1e300, "doc": "text", "blob": ""}
            {"id": 3}
            """;

    private static final String PREFIX = "stage/";

    public final S3TestServer s3 = S3TestServer.shared();
    public final String bucket;
    public final IcebergRestServer rest;
    public final S3ClientFactory clients;
    public final BatchCommitter committer;
    private final String staging;
    private final ExecutorService uploader = Executors.newCachedThreadPool();
    private final TransferService transfers;

    public IcebergFixture() throws Exception {
        this(new String[0]);
    }

    /** With more environment for the function's clients (e.g. {@code AWS_ENDPOINT_URL_GLUE}). */
    public IcebergFixture(String... env) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        bucket = "ice-" + id;
        staging = "ist-" + id;
        s3.createBucket(bucket);
        s3.createBucket(staging);
        rest = new IcebergRestServer(s3, bucket);
        rest.backend().createNamespace(Namespace.of("analytics"));
        clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env(env));
        transfers = new TransferService(
                new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20), 65536, clients, Json.MAPPER, uploader);
        committer = new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
    }

    /** The execution input of batch {@code batchId}, its one staged object holding {@code rows}. */
    public ObjectNode input(String batchId, String startedAt, String rows) {
        try (S3Client client = s3.client()) {
            client.putObject(
                    r -> r.bucket(staging).key(PREFIX + batchId + "/part-0.jsonl"), RequestBody.fromString(rows));
        }
        ObjectNode input = Batches.input(s3, bucket, staging, PREFIX + batchId + "/", batchId);
        ObjectNode transfer = (ObjectNode) input.get("transfer");
        transfer.put("transfer_started_at", startedAt);
        ArrayNode columns = (ArrayNode) transfer.get("model").get("columns");
        columns.removeAll();
        columns.addObject().put("name", "id").put("type", "bigint").put("nullable", false);
        for (String c : List.of(
                "amount decimal(12,2)",
                "big decimal(30,4)",
                "note string",
                "at timestamptz",
                "local timestamp_ntz",
                "day date",
                "t time",
                "flag boolean",
                "n int",
                "f float",
                "d double",
                "doc json",
                "blob binary")) {
            String[] nameType = c.split(" ");
            columns.addObject().put("name", nameType[0]).put("type", nameType[1]);
        }
        ((ObjectNode) transfer.get("destination"))
                .putObject("catalog")
                .put("type", "iceberg-rest")
                .put("uri", rest.uri().toString())
                .put("namespace", "analytics");
        return input;
    }

    public static ArrayNode columns(ObjectNode input) {
        return (ArrayNode) input.get("transfer").get("model").get("columns");
    }

    public static ObjectNode catalog(ObjectNode input) {
        return (ObjectNode) input.get("transfer").get("destination").get("catalog");
    }

    /** The batch's one chunk, as the Distributed Map hands it to the transfer. */
    public void runChunks(ObjectNode input) {
        String prefix = input.get("source").get("prefix").asText();
        ObjectNode chunk = Batches.chunk(input, prefix, 0, 1);
        ((ObjectNode) chunk.get("Items").get(0)).put("key", prefix + "part-0.jsonl");
        transfers.transfer(EventParser.chunk(chunk));
    }

    /** A direct transfer event (SPEC §4), through the same service the handler uses. */
    public dev.pontoon.s3dest.event.TransferResult transfer(ObjectNode event) {
        return transfers.transfer(EventParser.transferEvent(event));
    }

    public CommitResult commit(ObjectNode input) {
        return committer.commit(EventParser.batch(input));
    }

    public CommitResult commitAfterChunks(ObjectNode input) {
        runChunks(input);
        return commit(input);
    }

    public List<String> batchManifests() {
        try (S3Client client = s3.client()) {
            return client.listObjectsV2(r -> r.bucket(bucket).prefix("exports/orders/_batches/")).contents().stream()
                    .map(o -> o.key())
                    .toList();
        }
    }

    @Override
    public void close() throws Exception {
        uploader.shutdownNow();
        rest.close();
    }
}
