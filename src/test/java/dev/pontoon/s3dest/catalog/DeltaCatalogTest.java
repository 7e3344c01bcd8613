package dev.pontoon.s3dest.catalog;

import static dev.pontoon.s3dest.testing.IcebergFixture.ROWS_B1;
import static dev.pontoon.s3dest.testing.IcebergFixture.columns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.IcebergFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Delta Lake commits (SPEC §14) through the real transfer and commit code against s3proxy (conditional writes
 * enforced by the server): the log's actions, a re-commit, schema evolution and refusals, a lost race, checkpoints,
 * and a store without conditional writes. Every row read back by Delta's own kernel: {@code DeltaReadBackTest}.
 */
class DeltaCatalogTest {
    static final String TABLE = "exports/orders/";
    static final String LOG = TABLE + "_delta_log/";

    private IcebergFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new IcebergFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.s3.faults().clear();
        fx.close();
    }

    /** The fixture's batch, committed to Delta only. */
    static ObjectNode delta(ObjectNode input) {
        ObjectNode destination = (ObjectNode) input.get("transfer").get("destination");
        destination.remove("catalog");
        destination.putObject("catalog").put("type", "delta");
        return input;
    }

    @Test
    void theFirstCommitCreatesThePartitionedTableWithEveryFileAndItsStatistics() {
        CommitResult result = fx.commitAfterChunks(delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1)));
        Map<Long, List<JsonNode>> log = log(fx);
        assertThat(log).containsOnlyKeys(0L);
        List<JsonNode> v0 = log.get(0L);

        JsonNode commitInfo = only(v0, "commitInfo");
        assertThat(commitInfo.get("operation").asText()).isEqualTo("WRITE");
        assertThat(commitInfo.get("userMetadata").asText()).isEqualTo("pontoon batch b1");
        JsonNode protocol = only(v0, "protocol");
        // The model has a timestamp_ntz column: the one table feature it needs.
        assertThat(protocol.get("minReaderVersion").asInt()).isEqualTo(3);
        assertThat(protocol.get("minWriterVersion").asInt()).isEqualTo(7);
        assertThat(protocol.get("readerFeatures").toString()).isEqualTo("[\"timestampNtz\"]");
        assertThat(protocol.get("writerFeatures").toString()).isEqualTo("[\"timestampNtz\"]");

        JsonNode metaData = only(v0, "metaData");
        assertThat(metaData.get("partitionColumns").toString()).isEqualTo("[\"dt\"]");
        assertThat(metaData.get("format").get("provider").asText()).isEqualTo("parquet");
        JsonNode schema = Json.read(metaData.get("schemaString").asText());
        List<String> fields = new ArrayList<>();
        schema.get("fields")
                .forEach(f ->
                        fields.add(f.get("name").asText() + ":" + f.get("type").asText()));
        assertThat(fields)
                .containsExactly(
                        "id:long",
                        "amount:decimal(12,2)",
                        "big:decimal(30,4)",
                        "note:string",
                        "at:timestamp",
                        "local:timestamp_ntz",
                        "day:date",
                        "t:long",
                        "flag:boolean",
                        "n:integer",
                        "f:float",
                        "d:double",
                        "doc:string",
                        "blob:binary",
                        "pontoon__batch_id:string",
                        "pontoon__last_synced_at:timestamp",
                        "dt:date");

        JsonNode txn = only(v0, "txn");
        assertThat(txn.get("appId").asText()).isEqualTo("pontoon-s3-destination/batch/b1");

        List<JsonNode> adds = all(v0, "add");
        assertThat(adds).hasSize((int) result.files());
        JsonNode add = adds.get(0);
        String key = TABLE + add.get("path").asText();
        assertThat(add.get("path").asText()).startsWith("dt=2025-09-25/20250925132233_b1_");
        assertThat(add.get("partitionValues").get("dt").asText()).isEqualTo("2025-09-25");
        assertThat(add.get("dataChange").asBoolean()).isTrue();
        try (S3Client s3 = fx.s3.client()) {
            long size = s3.headObject(r -> r.bucket(fx.bucket).key(key)).contentLength();
            assertThat(add.get("size").asLong()).isEqualTo(size);
        }
        JsonNode stats = Json.read(add.get("stats").asText());
        assertThat(stats.get("numRecords").asLong()).isEqualTo(3);
        assertThat(stats.get("minValues").get("id").asLong()).isEqualTo(1);
        assertThat(stats.get("maxValues").get("id").asLong()).isEqualTo(3);
        assertThat(stats.get("nullCount").get("note").asLong()).isEqualTo(1);
        assertThat(stats.get("nullCount").get("id").asLong()).isZero();
        assertThat(stats.get("minValues").get("amount").decimalValue()).isEqualByComparingTo("-3.00");
        assertThat(stats.get("minValues").get("day").asText()).isEqualTo("1970-01-01");
        assertThat(stats.get("maxValues").get("day").asText()).isEqualTo("2025-09-25");
        // 2025-09-24T23:59:59.999999+02:00 is 21:59:59.999999Z: widened to the next millisecond as an upper bound.
        assertThat(stats.get("minValues").get("at").asText()).isEqualTo("2025-09-24T21:59:59.999Z");
        assertThat(stats.get("maxValues").get("at").asText()).isEqualTo("2025-09-25T10:00:00.000Z");
        assertThat(stats.get("maxValues").get("local").asText()).isEqualTo("2025-09-25T10:00:00.000");
        // a 31-character maximum is kept whole; no bounds for floating point, booleans, json or binary
        assertThat(stats.get("maxValues").get("note").asText()).isEqualTo("a much longer note than sixteen");
        assertThat(stats.get("minValues").has("d")).isFalse();
        assertThat(stats.get("minValues").has("flag")).isFalse();
        assertThat(stats.get("minValues").has("doc")).isFalse();
    }

    @Test
    void aSecondCommitOfTheSameBatchAddsNothing() {
        ObjectNode input = delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        fx.commitAfterChunks(input);
        Map<String, String> before = objects(fx, LOG);
        CommitResult again = fx.commit(input);
        assertThat(again.status()).isEqualTo("committed");
        assertThat(objects(fx, LOG)).isEqualTo(before);
    }

    @Test
    void twoBatchesAreTwoCommitsAndAColumnTheModelGainedIsAddedInTheSecond() {
        fx.commitAfterChunks(delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1)));
        ObjectNode b2 = delta(fx.input("b2", "2025-09-26T08:00:00Z", "{\"id\": 4, \"extra\": \"x\"}\n"));
        columns(b2).addObject().put("name", "extra").put("type", "string");
        fx.commitAfterChunks(b2);

        Map<Long, List<JsonNode>> log = log(fx);
        assertThat(log).containsOnlyKeys(0L, 1L);
        List<JsonNode> v1 = log.get(1L);
        assertThat(all(v1, "protocol")).isEmpty();
        JsonNode schema = Json.read(only(v1, "metaData").get("schemaString").asText());
        JsonNode last = schema.get("fields").get(schema.get("fields").size() - 1);
        assertThat(last.get("name").asText() + ":" + last.get("type").asText()).isEqualTo("extra:string");
        // the table's identity is kept
        assertThat(only(v1, "metaData").get("id"))
                .isEqualTo(only(log.get(0L), "metaData").get("id"));
        assertThat(only(v1, "add").get("partitionValues").get("dt").asText()).isEqualTo("2025-09-26");
        assertThat(only(v1, "txn").get("appId").asText()).endsWith("/b2");
    }

    @Test
    void aColumnWhoseTypeChangedOrThatTheModelDroppedIsRefusedAndNothingIsCommitted() {
        fx.commitAfterChunks(delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1)));
        ObjectNode changed = delta(fx.input("b2", "2025-09-26T08:00:00Z", "{\"id\": 4, \"n\": \"x\"}\n"));
        for (JsonNode c : columns(changed)) {
            if (c.get("name").asText().equals("n")) {
                ((ObjectNode) c).put("type", "string");
            }
        }
        fx.runChunks(changed);
        assertThatThrownBy(() -> fx.commit(changed))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("model.columns.n")
                .hasMessageContaining("\"integer\"")
                .hasMessageContaining("nothing was committed");

        ObjectNode dropped = delta(fx.input("b3", "2025-09-26T09:00:00Z", "{\"id\": 5}\n"));
        columns(dropped).remove(columns(dropped).size() - 1); // blob
        fx.runChunks(dropped);
        assertThatThrownBy(() -> fx.commit(dropped))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("'blob'")
                .hasMessageContaining("nothing was committed");

        ObjectNode renamed = delta(fx.input("b4", "2025-09-26T10:00:00Z", "{\"id\": 6}\n"));
        for (JsonNode c : columns(renamed)) {
            if (c.get("name").asText().equals("note")) {
                ((ObjectNode) c).put("name", "Note");
            }
        }
        fx.runChunks(renamed);
        assertThatThrownBy(() -> fx.commit(renamed))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("model.columns.Note: ")
                .hasMessageContaining("as 'note'; Delta's names are case-insensitive");
        assertThat(log(fx)).containsOnlyKeys(0L);
        assertThat(fx.batchManifests()).hasSize(1);
    }

    @Test
    void aCommitThatLosesTheRaceForAVersionTakesTheNextOne() {
        fx.commitAfterChunks(delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1)));
        ObjectNode b2 = delta(fx.input("b2", "2025-09-26T08:00:00Z", "{\"id\": 4}\n"));
        fx.runChunks(b2);
        // Another writer's append lands at version 1 between this commit's read of the log and its write.
        String foreign = "{\"commitInfo\":{\"operation\":\"WRITE\",\"engineInfo\":\"another\"}}\n"
                + "{\"txn\":{\"appId\":\"another-app\",\"version\":7}}\n";
        fx.s3.faults().beforePut(LOG + "00000000000000000001.json", () -> {
            try (S3Client s3 = fx.s3.client()) {
                s3.putObject(
                        r -> r.bucket(fx.bucket).key(LOG + "00000000000000000001.json"),
                        RequestBody.fromString(foreign));
            }
        });
        fx.commit(b2);

        Map<Long, List<JsonNode>> log = log(fx);
        assertThat(log).containsOnlyKeys(0L, 1L, 2L);
        assertThat(only(log.get(1L), "txn").get("appId").asText()).isEqualTo("another-app");
        assertThat(only(log.get(2L), "txn").get("appId").asText()).endsWith("/b2");
        assertThat(all(log.get(2L), "add")).hasSize(1);
    }

    @Test
    void everyTenthCommitWritesACheckpointThatLaterCommitsReadInsteadOfTheOlderCommits() throws IOException {
        for (int i = 0; i <= 10; i++) {
            String day = String.format("2025-10-%02d", i + 1);
            fx.commitAfterChunks(delta(fx.input("c" + i, day + "T00:00:00Z", "{\"id\": " + i + "}\n")));
        }
        Map<String, String> files = objects(fx, LOG);
        assertThat(files).containsKey(LOG + "00000000000000000010.checkpoint.parquet");
        JsonNode last = Json.read(files.get(LOG + "_last_checkpoint"));
        assertThat(last.get("version").asLong()).isEqualTo(10);
        assertThat(last.get("numOfAddFiles").asLong()).isEqualTo(11);

        List<ObjectNode> actions =
                DeltaCheckpoint.read(bytes(fx, LOG + "00000000000000000010.checkpoint.parquet"), "cp", true);
        assertThat(actions.stream().filter(a -> a.has("txn"))).hasSize(11);
        assertThat(actions.stream().filter(a -> a.has("add"))).hasSize(11);
        assertThat(actions.stream().filter(a -> a.has("protocol"))).hasSize(1);
        assertThat(actions.stream().filter(a -> a.has("metaData"))).hasSize(1);

        // With the commits before the checkpoint gone (as log clean-up leaves a table), the checkpoint alone says
        // which batches the table holds: a re-commit of the third adds nothing, a new batch is version 11.
        try (S3Client s3 = fx.s3.client()) {
            for (int v = 0; v < 10; v++) {
                String key = LOG + String.format("%020d.json", v);
                s3.deleteObject(r -> r.bucket(fx.bucket).key(key));
            }
        }
        fx.commit(delta(fx.input("c3", "2025-10-04T00:00:00Z", "{\"id\": 3}\n")));
        assertThat(log(fx)).containsOnlyKeys(10L);
        fx.commitAfterChunks(delta(fx.input("c11", "2025-10-12T00:00:00Z", "{\"id\": 11}\n")));
        assertThat(log(fx)).containsOnlyKeys(10L, 11L);
    }

    @Test
    void aStoreWithoutConditionalWritesGetsNoCommit() {
        ObjectNode input = delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        fx.runChunks(input);
        fx.s3.faults().ignoreIfNoneMatch();
        assertThatThrownBy(() -> fx.commit(input))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("If-None-Match")
                .hasMessageContaining("nothing was committed");
        assertThat(log(fx)).isEmpty();
        assertThat(fx.batchManifests()).isEmpty();
    }

    // --- reading the log as a test sees it: every commit file, parsed line by line ---

    static Map<Long, List<JsonNode>> log(IcebergFixture fx) {
        Map<Long, List<JsonNode>> versions = new TreeMap<>();
        objects(fx, LOG).forEach((key, body) -> {
            String name = key.substring(LOG.length());
            if (name.matches("\\d{20}\\.json")) {
                List<JsonNode> actions = new ArrayList<>();
                for (String line : body.split("\n")) {
                    actions.add(Json.read(line));
                }
                versions.put(Long.parseLong(name.substring(0, 20)), actions);
            }
        });
        return versions;
    }

    static Map<String, String> objects(IcebergFixture fx, String prefix) {
        Map<String, String> objects = new TreeMap<>();
        try (S3Client s3 = fx.s3.client()) {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(fx.bucket).prefix(prefix))
                    .contents()) {
                objects.put(
                        o.key(),
                        new String(
                                s3.getObjectAsBytes(r -> r.bucket(fx.bucket).key(o.key()))
                                        .asByteArray(),
                                StandardCharsets.ISO_8859_1));
            }
        }
        return objects;
    }

    static byte[] bytes(IcebergFixture fx, String key) {
        try (S3Client s3 = fx.s3.client()) {
            return s3.getObjectAsBytes(r -> r.bucket(fx.bucket).key(key)).asByteArray();
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    static JsonNode only(List<JsonNode> actions, String kind) {
        List<JsonNode> found = all(actions, kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    static List<JsonNode> all(List<JsonNode> actions, String kind) {
        return actions.stream().filter(a -> a.has(kind)).map(a -> a.get(kind)).toList();
    }
}
