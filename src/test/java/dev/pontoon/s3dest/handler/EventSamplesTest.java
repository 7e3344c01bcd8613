package dev.pontoon.s3dest.handler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionResult;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every sample in {@code events/} (the payloads for {@code sam local invoke}) runs here, pointed at the test
 * server, so none can rot.
 */
@QuarkusTest
class EventSamplesTest {
    private static final S3TestServer SERVER = S3TestServer.shared();

    @Inject
    ConnectionTester tester;

    @BeforeAll
    static void buckets() throws Exception {
        try (S3Client s3 = SERVER.client()) {
            for (String b : new String[] {"my-export-bucket", "my-staging-bucket"}) {
                if (s3.listBuckets().buckets().stream().noneMatch(x -> x.name().equals(b))) {
                    s3.createBucket(r -> r.bucket(b));
                }
            }
            for (int part = 0; part < 2; part++) {
                StringBuilder jsonl = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    jsonl.append("{\"id\": ")
                            .append(part * 100 + i)
                            .append(", \"customer_id\": 7, \"total\": \"19.99\", ")
                            .append("\"status\": \"paid\", \"created_at\": \"2025-09-24T10:00:00Z\"}\n");
                }
                ByteArrayOutputStream gz = new ByteArrayOutputStream();
                try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                    out.write(jsonl.toString().getBytes(StandardCharsets.UTF_8));
                }
                String key = "staging/orders/part-000" + part + ".jsonl.gz";
                s3.putObject(r -> r.bucket("my-staging-bucket").key(key), RequestBody.fromBytes(gz.toByteArray()));
            }
        }
    }

    @Test
    void inlineTransferSample() throws Exception {
        JsonNode result = invoke(local(read("transfer-inline.json")));
        assertThat(result.get("rows").asLong()).isEqualTo(3);
        assertThat(result.at("/files/0/key").asText())
                .isEqualTo("exports/leads/dt=2025-09-25/20250925132233_1758806553123_0.parquet");
    }

    @Test
    void sourcePointerTransferSample() throws Exception {
        JsonNode result = invoke(local(read("transfer-source.json")));
        assertThat(result.get("rows").asLong()).isEqualTo(100);
        try (S3Client s3 = SERVER.client()) {
            var file = Parquet.download(
                    s3, "my-export-bucket", result.at("/files/0/key").asText());
            assertThat(Parquet.query("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')")
                            .get(0))
                    .containsEntry("compression", "ZSTD");
        }
    }

    @Test
    void sqsEnvelopeSample() throws Exception {
        ObjectNode envelope = read("sqs-envelope.json");
        for (JsonNode record : envelope.get("Records")) {
            ((ObjectNode) record)
                    .put(
                            "body",
                            local((ObjectNode) Json.read(record.get("body").asText()))
                                    .toString());
        }
        assertThat(invoke(envelope).get("batchItemFailures")).isEmpty();
    }

    @Test
    void stateMachineInputSampleRunsAsChunksAndCommits() throws Exception {
        // What the Distributed Map hands each child (one object a chunk here), then the commit on the same input.
        ObjectNode input = read("state-machine-input.json");
        local((ObjectNode) input.get("transfer"));
        ((ObjectNode) input.get("source")).put("endpoint_url", SERVER.endpoint().toString());
        List<String> keys = List.of("staging/orders/part-0000.jsonl.gz", "staging/orders/part-0001.jsonl.gz");
        for (int i = 0; i < keys.size(); i++) {
            ObjectNode chunk = Json.MAPPER.createObjectNode();
            chunk.putArray("Items").addObject().put("key", keys.get(i)).put("index", i);
            chunk.set("BatchInput", input);
            JsonNode result = invoke(chunk);
            assertThat(result.at("/files/0/key").asText()).endsWith("_" + i * 1000 + ".parquet");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommitHandler.standalone()
                .handleRequest(new java.io.ByteArrayInputStream(input.toString().getBytes()), out, null);
        JsonNode committed = Json.read(out.toString(StandardCharsets.UTF_8));
        assertThat(committed.get("status").asText()).isEqualTo("committed");
        assertThat(committed.get("rows").asLong()).isEqualTo(200);
    }

    @Test
    void connectionTestSample() throws Exception {
        ObjectNode event = read("connection-test.json");
        ConnectionResult result = tester.test(EventParser.connectionTest(local(event)));
        assertThat(result.success()).as(result.message()).isTrue();
    }

    private static ObjectNode read(String name) throws Exception {
        return (ObjectNode) Json.read(Files.readString(Path.of("events", name)));
    }

    /** Points the sample's destination at the test server, as a user would with their own endpoint and keys. */
    private static ObjectNode local(ObjectNode event) {
        ObjectNode d = (ObjectNode) event.get("destination");
        d.put("endpoint_url", SERVER.endpoint().toString());
        d.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
        d.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
        return event;
    }

    private static JsonNode invoke(ObjectNode event) {
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
