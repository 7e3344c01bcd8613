package dev.pontoon.s3dest.handler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.S3TestServer;
import io.quarkus.test.junit.QuarkusTest;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** SQS batches with partial failures, redelivery that adds nothing, and the completion manifest. */
@QuarkusTest
class InvocationShapesTest {
    private static final String STARTED = "2025-09-25T13:22:33.123Z";
    private final S3TestServer server = S3TestServer.shared();
    private S3Client s3;
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = "inv-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        s3 = server.client();
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    @Test
    void anSqsBatchReportsExactlyTheFailedRecords() {
        ObjectNode good = event("good", 50);
        ObjectNode invalid = event("invalid", 5);
        ((ObjectNode) invalid.get("model")).put("name", "../escape");
        ObjectNode noBucket = event("nobucket", 5);
        ((ObjectNode) noBucket.get("destination")).put("s3_bucket", "missing-" + bucket);
        ObjectNode good2 = event("good2", 7);

        ObjectNode sqs = JsonNodeFactory.instance.objectNode();
        ArrayNode records = sqs.putArray("Records");
        record(records, "m-1", good.toString());
        record(records, "m-2", "{ this is not json");
        record(records, "m-3", invalid.toString());
        record(records, "m-4", noBucket.toString());
        record(records, "m-5", good2.toString());

        JsonNode response = invoke(sqs);
        assertThat(response.get("batchItemFailures"))
                .extracting(f -> f.get("itemIdentifier").asText())
                .containsExactly("m-2", "m-3", "m-4");
        assertThat(keys())
                .anyMatch(k -> k.startsWith("p/good/dt="))
                .anyMatch(k -> k.startsWith("p/good2/dt="))
                .noneMatch(k -> k.contains("nobucket") || k.contains("invalid"));

        // A standard queue: records after a failure still run (m-5 landed above).
        ObjectNode allGood = JsonNodeFactory.instance.objectNode();
        record(allGood.putArray("Records"), "m-6", event("again", 3).toString());
        assertThat(invoke(allGood).get("batchItemFailures")).isEmpty();
    }

    @Test
    void aFifoBatchStopsAtTheFirstFailureAndReportsTheRestSoTheyStayInOrder() {
        ObjectNode sqs = JsonNodeFactory.instance.objectNode();
        ArrayNode records = sqs.putArray("Records");
        record(records, "f-1", event("first", 3).toString());
        record(records, "f-2", "{ this is not json");
        record(records, "f-3", event("third", 3).toString());
        for (JsonNode r : records) {
            ((ObjectNode) r).put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:TransferQueue.fifo");
            ((ObjectNode) r).putObject("attributes").put("MessageGroupId", "leads");
        }
        JsonNode response = invoke(sqs);
        assertThat(response.get("batchItemFailures"))
                .extracting(f -> f.get("itemIdentifier").asText())
                .containsExactly("f-2", "f-3");
        // The third message was not processed: it must not overtake the failed second one.
        assertThat(keys()).anyMatch(k -> k.startsWith("p/first/dt=")).noneMatch(k -> k.startsWith("p/third/"));
    }

    @Test
    void theSameEventTwiceRewritesTheSameKeysWithTheSameBytes() throws Exception {
        ObjectNode event = event("orders", 6000); // several files at the test's 256 KiB target
        invoke(event);
        Map<String, String> first = checksums();
        invoke(event);
        Map<String, String> second = checksums();
        assertThat(first.size()).isGreaterThan(2);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void theManifestListsEveryFileAndTheSchemaAfterTheyAreComplete() throws Exception {
        ObjectNode event = event("leads", 6000);
        event.put("file_index_start", 20);
        JsonNode result = invoke(event);
        String key = "p/leads/_manifests/20250925132233_b9_20.json";
        JsonNode manifest =
                Json.read(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
        assertThat(s3.headObject(r -> r.bucket(bucket).key(key)).contentType()).isEqualTo("application/json");
        assertThat(manifest.get("status").asText()).isEqualTo("complete");
        // The manifest's files are the result's, each with its footer's column statistics besides.
        JsonNode files = manifest.get("files").deepCopy();
        for (JsonNode f : files) {
            assertThat(f.get("column_stats"))
                    .hasSize(4)
                    .allSatisfy(c -> assertThat(c.get("values").asLong())
                            .isEqualTo(f.get("rows").asLong()));
            ((ObjectNode) f).remove("column_stats");
        }
        assertThat(files).isEqualTo(result.get("files"));
        assertThat(manifest.get("rows").asLong()).isEqualTo(6000);
        assertThat(manifest.get("next_file_index").asInt())
                .isEqualTo(result.get("next_file_index").asInt());
        assertThat(manifest.get("columns"))
                .extracting(c -> c.get("name").asText() + ":" + c.get("parquet").asText())
                .containsExactly(
                        "id:required int64 id",
                        "payload:optional binary payload (STRING)",
                        "pontoon__batch_id:optional binary pontoon__batch_id (STRING)",
                        "pontoon__last_synced_at:optional int64 pontoon__last_synced_at (TIMESTAMP(MICROS,true))");
        assertThat(manifest.get("parquet_schema").asText()).startsWith("message leads {");
        // Every data key of the model is in the manifest: a reader can tell a whole chunk from a partial one.
        List<String> dataKeys =
                keys().stream().filter(k -> k.endsWith(".parquet")).toList();
        assertThat(manifest.get("files")).extracting(f -> f.get("key").asText()).containsExactlyElementsOf(dataKeys);
    }

    private ObjectNode event(String model, int rows) {
        ObjectNode dest = Events.destination(server, bucket, "p");
        dest.put("compression", "uncompressed");
        ObjectNode event = Events.transfer(dest, model, STARTED, "b9", "id:bigint!", "payload:string");
        ArrayNode array = (ArrayNode) event.get("rows");
        for (int i = 0; i < rows; i++) {
            array.addObject()
                    .put("id", i)
                    .put(
                            "payload",
                            UUID.nameUUIDFromBytes(("r" + i).getBytes()) + "/"
                                    + UUID.nameUUIDFromBytes(("s" + i).getBytes()));
        }
        return event;
    }

    private static void record(ArrayNode records, String id, String body) {
        ObjectNode r = records.addObject();
        r.put("messageId", id);
        r.put("receiptHandle", "handle-" + id);
        r.put("body", body);
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:TransferQueue");
        r.put("awsRegion", "us-east-1");
    }

    private Map<String, String> checksums() throws Exception {
        Map<String, String> sums = new TreeMap<>();
        for (String key : keys()) {
            byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
            sums.put(
                    key,
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
        return sums;
    }

    private List<String> keys() {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private JsonNode invoke(ObjectNode event) {
        return Json.read(given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
