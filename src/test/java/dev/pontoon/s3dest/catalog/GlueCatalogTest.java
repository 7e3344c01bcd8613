package dev.pontoon.s3dest.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.connection.ConnectionResult;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Batches;
import dev.pontoon.s3dest.testing.GlueStandIn;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.transfer.TransferService;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Glue Data Catalog at commit (SPEC §10), against a local stand-in speaking Glue's JSON protocol, reached
 * through the SDK's own endpoint variable {@code AWS_ENDPOINT_URL_GLUE}.
 */
class GlueCatalogTest {
    private static final String PREFIX = "stage/";
    private static final S3TestServer SERVER = S3TestServer.shared();
    private GlueStandIn glue;
    private ExecutorService uploader;
    private TransferService transfers;
    private BatchCommitter committer;
    private S3ClientFactory clients;
    private String bucket;
    private String staging;

    @BeforeEach
    void setUp() throws Exception {
        glue = new GlueStandIn("analytics");
        uploader = Executors.newCachedThreadPool();
        clients = new S3ClientFactory(
                S3ClientFactory.Settings.defaults(),
                Loopback.env("AWS_ENDPOINT_URL_GLUE", glue.endpoint().toString()));
        transfers = new TransferService(
                new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20), 65536, clients, Json.MAPPER, uploader);
        committer = new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
        String id = UUID.randomUUID().toString().substring(0, 8);
        bucket = "glu-" + id;
        staging = "gst-" + id;
        SERVER.createBucket(bucket);
        SERVER.createBucket(staging);
    }

    @AfterEach
    void tearDown() {
        glue.close();
        uploader.shutdownNow();
    }

    @Test
    void theFirstCommitCreatesAProjectedParquetTableAndRegistersItsPartition() {
        ObjectNode input = input("b1", "2025-09-25T13:22:33.123Z");
        CommitResult result = commitAfterChunks(input);
        assertThat(result.status()).isEqualTo("committed");

        JsonNode table = glue.table("analytics", "orders");
        assertThat(table.get("TableType").asText()).isEqualTo("EXTERNAL_TABLE");
        JsonNode sd = table.get("StorageDescriptor");
        assertThat(sd.get("Location").asText()).isEqualTo("s3://" + bucket + "/exports/orders/");
        assertThat(sd.get("SerdeInfo").get("SerializationLibrary").asText())
                .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
        assertThat(sd.get("Columns"))
                .extracting(c -> c.get("Name").asText() + " " + c.get("Type").asText())
                .containsExactly(
                        "id bigint",
                        "amount decimal(12,2)",
                        "note string",
                        "at timestamp",
                        "day date",
                        "t bigint",
                        "pontoon__batch_id string",
                        "pontoon__last_synced_at timestamp");
        assertThat(table.get("PartitionKeys"))
                .extracting(c -> c.get("Name").asText() + " " + c.get("Type").asText())
                .containsExactly("dt string");
        JsonNode p = table.get("Parameters");
        assertThat(p.get("projection.enabled").asText()).isEqualTo("true");
        assertThat(p.get("projection.dt.type").asText()).isEqualTo("date");
        assertThat(p.get("projection.dt.range").asText()).isEqualTo("2025-09-25,NOW");
        assertThat(p.get("storage.location.template").asText())
                .isEqualTo("s3://" + bucket + "/exports/orders/dt=${dt}");
        assertThat(glue.partitionValues("analytics", "orders")).containsExactly("2025-09-25");
        // Catalog first, manifest last.
        assertThat(glue.calls()).containsExactly("GetTable", "CreateTable", "BatchCreatePartition");

        // The same commit again changes nothing (an existing partition is fine) and writes the same manifest.
        assertThat(committer.commit(EventParser.batch(input))).isEqualTo(result);
        assertThat(glue.calls()).endsWith("GetTable", "BatchCreatePartition");
    }

    @Test
    void columnsTheModelGainedTakeTheFilesOrderAndAnEarlierDateWidensTheProjection() {
        commitAfterChunks(input("b1", "2025-09-25T13:22:33.123Z"));
        ObjectNode next = input("b2", "2025-09-20T08:00:00Z");
        ((com.fasterxml.jackson.databind.node.ArrayNode)
                        next.get("transfer").get("model").get("columns"))
                .addObject()
                .put("name", "coupon")
                .put("type", "string");
        commitAfterChunks(next);
        JsonNode table = glue.table("analytics", "orders");
        // The files hold the new column before the two pontoon__ columns: so does the table (readers may match by
        // position).
        assertThat(table.get("StorageDescriptor").get("Columns"))
                .extracting(c -> c.get("Name").asText())
                .endsWith("coupon", "pontoon__batch_id", "pontoon__last_synced_at");
        assertThat(table.get("Parameters").get("projection.dt.range").asText()).isEqualTo("2025-09-20,NOW");
        assertThat(glue.partitionValues("analytics", "orders")).containsExactly("2025-09-20", "2025-09-25");
    }

    @Test
    void aBatchDatedAfterTodayWidensTheProjectionToReachItAndTheEndNeverShrinks() {
        // The commit's today is 2025-09-20; a batch dated 2025-09-25 would be invisible through "…,NOW" until then.
        committer = new BatchCommitter(
                clients,
                Json.MAPPER,
                new Catalogs(
                        clients,
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(60),
                        java.time.Clock.fixed(
                                java.time.Instant.parse("2025-09-20T23:00:00Z"), java.time.ZoneOffset.UTC)));
        commitAfterChunks(input("b1", "2025-09-25T13:22:33.123Z"));
        assertThat(glue.table("analytics", "orders")
                        .get("Parameters")
                        .get("projection.dt.range")
                        .asText())
                .isEqualTo("2025-09-25,NOW+5DAYS");
        // An earlier batch dated today moves the start and keeps the reach.
        commitAfterChunks(input("b2", "2025-09-20T08:00:00Z"));
        assertThat(glue.table("analytics", "orders")
                        .get("Parameters")
                        .get("projection.dt.range")
                        .asText())
                .isEqualTo("2025-09-20,NOW+5DAYS");
    }

    @Test
    void aChangedTypeIsRefusedNamingTheColumnAndBothTypesAndNothingChanges() {
        commitAfterChunks(input("b1", "2025-09-25T13:22:33.123Z"));
        JsonNode before = glue.table("analytics", "orders");
        ObjectNode changed = input("b2", "2025-09-26T00:00:00Z");
        ((ObjectNode) changed.get("transfer").get("model").get("columns").get(1)).put("type", "decimal(14,2)");
        runChunks(changed);
        assertThatThrownBy(() -> committer.commit(EventParser.batch(changed)))
                .isInstanceOf(CatalogException.class)
                .hasMessage(
                        "Glue table analytics.orders: column amount is decimal(12,2) in the table but decimal(14,2) in "
                                + "the model; changing a column's type is refused, nothing was changed");
        assertThat(glue.table("analytics", "orders")).isEqualTo(before);
        assertThat(glue.partitionValues("analytics", "orders")).containsExactly("2025-09-25");
        assertThat(batchManifests()).containsExactly("exports/orders/_batches/20250925132233_b1.json");

        ObjectNode dropped = input("b3", "2025-09-26T00:00:00Z");
        ((com.fasterxml.jackson.databind.node.ArrayNode)
                        dropped.get("transfer").get("model").get("columns"))
                .remove(2);
        runChunks(dropped);
        assertThatThrownBy(() -> committer.commit(EventParser.batch(dropped)))
                .hasMessage(
                        "Glue table analytics.orders: column note (string) is in the table but no longer in the model; "
                                + "dropping a column is refused, nothing was changed");
    }

    @Test
    void aDeniedGlueActionIsNamedAndNoManifestIsWritten() {
        glue.deny("BatchCreatePartition");
        ObjectNode input = input("b1", "2025-09-25T13:22:33.123Z");
        runChunks(input);
        assertThatThrownBy(() -> committer.commit(EventParser.batch(input)))
                .isInstanceOf(CatalogException.class)
                .hasMessage("Glue refused glue:BatchCreatePartition on table analytics.orders (AccessDeniedException): "
                        + "grant glue:BatchCreatePartition on the catalog, database analytics and table orders to the "
                        + "function's role; nothing was committed");
        assertThat(batchManifests()).isEmpty();
    }

    @Test
    void aMissingDatabaseIsNamed() {
        ObjectNode input = input("b1", "2025-09-25T13:22:33.123Z");
        ((ObjectNode) input.get("transfer").get("destination").get("catalog")).put("database", "nosuch");
        runChunks(input);
        assertThatThrownBy(() -> committer.commit(EventParser.batch(input)))
                .hasMessageStartingWith("Glue database 'nosuch' does not exist (EntityNotFoundException)");
    }

    @Test
    void theConnectionTestProbesTheCatalogTheCommitWillUpdate() {
        ObjectNode d = dev.pontoon.s3dest.testing.Events.destination(SERVER, bucket, "exports");
        d.putObject("catalog").put("type", "glue").put("database", "analytics").put("table", "orders");
        ConnectionTester tester = new ConnectionTester(clients);
        ConnectionResult fresh = tester.test(EventParser.destination(d));
        assertThat(fresh.success()).as(fresh.message()).isTrue();
        assertThat(fresh.checks()).last().satisfies(c -> {
            assertThat(c.name()).isEqualTo("catalog");
            assertThat(c.message())
                    .isEqualTo(
                            "Glue database analytics is readable; table analytics.orders will be created at the first commit");
        });

        ((ObjectNode) d.get("catalog")).put("database", "nosuch");
        ConnectionResult missing = tester.test(EventParser.destination(d));
        assertThat(missing.success()).isFalse();
        assertThat(missing.message()).startsWith("Glue database 'nosuch' does not exist (EntityNotFoundException)");

        ((ObjectNode) d.get("catalog")).put("database", "analytics");
        glue.deny("GetTable");
        ConnectionResult denied = tester.test(EventParser.destination(d));
        assertThat(denied.message())
                .isEqualTo("Glue refused glue:GetTable on table analytics.orders "
                        + "(AccessDeniedException): grant glue:GetTable on the catalog, database analytics and table orders to "
                        + "the function's role");
    }

    private ObjectNode input(String batchId, String startedAt) {
        try (S3Client s3 = SERVER.client()) {
            s3.putObject(
                    r -> r.bucket(staging).key(PREFIX + batchId + "/part-0.jsonl"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(
                            "{\"id\": 1, \"amount\": \"12.50\", \"note\": \"a\", \"at\": \"2025-09-25T10:00:00Z\", "
                                    + "\"day\": \"2025-09-25\", \"t\": \"10:00:00\"}\n"));
        }
        ObjectNode input = Batches.input(SERVER, bucket, staging, PREFIX + batchId + "/", batchId);
        ObjectNode transfer = (ObjectNode) input.get("transfer");
        transfer.put("transfer_started_at", startedAt);
        var columns = (com.fasterxml.jackson.databind.node.ArrayNode)
                transfer.get("model").get("columns");
        columns.removeAll();
        columns.addObject().put("name", "id").put("type", "bigint").put("nullable", false);
        columns.addObject().put("name", "amount").put("type", "decimal(12,2)");
        columns.addObject().put("name", "note").put("type", "varchar(20)");
        columns.addObject().put("name", "at").put("type", "timestamptz");
        columns.addObject().put("name", "day").put("type", "date");
        columns.addObject().put("name", "t").put("type", "time");
        ((ObjectNode) transfer.get("destination"))
                .putObject("catalog")
                .put("type", "glue")
                .put("database", "analytics");
        return input;
    }

    private void runChunks(ObjectNode input) {
        String prefix = input.get("source").get("prefix").asText();
        ObjectNode chunk = Batches.chunk(input, prefix, 0, 1);
        ((ObjectNode) chunk.get("Items").get(0)).put("key", prefix + "part-0.jsonl");
        transfers.transfer(EventParser.chunk(chunk));
    }

    private CommitResult commitAfterChunks(ObjectNode input) {
        runChunks(input);
        return committer.commit(EventParser.batch(input));
    }

    private List<String> batchManifests() {
        try (S3Client s3 = SERVER.client()) {
            return s3.listObjectsV2(r -> r.bucket(bucket).prefix("exports/orders/_batches/")).contents().stream()
                    .map(o -> o.key())
                    .toList();
        }
    }
}
