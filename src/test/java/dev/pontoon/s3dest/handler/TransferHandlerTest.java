package dev.pontoon.s3dest.handler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.priming.Priming;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.S3TestServer.Faults;
import dev.pontoon.s3dest.testing.S3TestServer.Op;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The transfer function end to end: events posted to the mock Lambda event server, run by the real handler,
 * written to s3proxy with authentication on, read back with DuckDB.
 */
@QuarkusTest
class TransferHandlerTest {
    private static final String STARTED = "2025-09-25T13:22:33.123Z";

    private final S3TestServer server = S3TestServer.shared();
    private S3Client s3;
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = "t-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        s3 = server.client();
    }

    @AfterEach
    void tearDown() {
        server.faults().clear();
        s3.close();
    }

    @Test
    void everyColumnTypeReadsBackInDuckDbWithItsLogicalType() throws Exception {
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, "/exports/"),
                "leads",
                STARTED,
                "1758806553123",
                "id:bigint!",
                "n:int",
                "flag:boolean",
                "f:float",
                "d:double",
                "small:decimal(9,2)",
                "mid:decimal(18,4)",
                "big:decimal(38,10)",
                "name:string",
                "doc:json",
                "blob:binary",
                "day:date",
                "at:time",
                "ts:timestamptz",
                "local:timestamp_ntz",
                "code:uuid");
        ArrayNode rows = (ArrayNode) event.get("rows");
        ObjectNode full = rows.addObject();
        full.put("id", 9007199254740993L); // beyond double's exact integers
        full.put("n", -2147483648);
        full.put("flag", true);
        full.put("f", 1.5);
        full.put("d", 0.1);
        full.put("small", new BigDecimal("1234567.89"));
        full.put("mid", "-12345678901234.5678");
        full.put("big", new BigDecimal("1234567890123456789012345678.0123456789"));
        full.put("name", "Zoë \"quoted\" ✓");
        full.putObject("doc").put("a", 1).putArray("b").add("x").add(new BigDecimal("2.50"));
        full.put("blob", "AAEC/w==");
        full.put("day", "2024-02-29");
        full.put("at", "23:59:59.123456");
        full.put("ts", "2025-09-25T15:22:33.5+02:00");
        full.put("local", "2025-09-25T13:22:33.123456");
        full.put("code", "7b1f0c1e-0000-4000-8000-000000000001");
        ObjectNode empty = rows.addObject();
        empty.put("id", 2);
        ObjectNode negative = rows.addObject();
        negative.put("id", 3);
        negative.put("small", -0.01);
        negative.put("big", "-99999999999999999999999999.9999999999");
        negative.put("day", "1969-12-31");
        negative.put("ts", "1969-12-31T23:59:59.999999Z");
        negative.put("name", "");

        JsonNode result = invoke(event);
        String key = "exports/leads/dt=2025-09-25/20250925132233_1758806553123_0.parquet";
        assertThat(result.get("status").asText()).isEqualTo("ok");
        assertThat(result.get("files")).hasSize(1);
        assertThat(result.at("/files/0/key").asText()).isEqualTo(key);
        assertThat(result.get("rows").asLong()).isEqualTo(3);
        assertThat(result.get("next_file_index").asInt()).isEqualTo(1);
        assertThat(keys())
                .containsExactlyInAnyOrder(key, "exports/leads/_manifests/20250925132233_1758806553123_0.json");
        assertThat(result.at("/files/0/bytes").asLong())
                .isEqualTo(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());

        Path file = Parquet.download(s3, bucket, key);
        assertThat(Parquet.duckTypes(file))
                .containsExactly(
                        Map.entry("id", "BIGINT"),
                        Map.entry("n", "INTEGER"),
                        Map.entry("flag", "BOOLEAN"),
                        Map.entry("f", "FLOAT"),
                        Map.entry("d", "DOUBLE"),
                        Map.entry("small", "DECIMAL(9,2)"),
                        Map.entry("mid", "DECIMAL(18,4)"),
                        Map.entry("big", "DECIMAL(38,10)"),
                        Map.entry("name", "VARCHAR"),
                        Map.entry("doc", "JSON"),
                        Map.entry("blob", "BLOB"),
                        Map.entry("day", "DATE"),
                        Map.entry("at", "TIME"),
                        Map.entry("ts", "TIMESTAMP WITH TIME ZONE"),
                        Map.entry("local", "TIMESTAMP"),
                        Map.entry("code", "VARCHAR"),
                        Map.entry("pontoon__batch_id", "VARCHAR"),
                        Map.entry("pontoon__last_synced_at", "TIMESTAMP WITH TIME ZONE"));

        List<Map<String, Object>> read = Parquet.query("SET TimeZone='UTC'; SELECT id::VARCHAR AS id, n, flag, f, d, "
                + "small::VARCHAR AS small, mid::VARCHAR AS mid, big::VARCHAR AS big, name, doc::VARCHAR AS doc, "
                + "hex(blob) AS blob, \"day\"::VARCHAR AS \"day\", \"at\"::VARCHAR AS \"at\", ts::VARCHAR AS ts, \"local\"::VARCHAR AS \"local\", "
                + "code, pontoon__batch_id, pontoon__last_synced_at::VARCHAR AS synced FROM read_parquet('" + file
                + "') ORDER BY id");
        Map<String, Object> r0 = read.get(2);
        assertThat(r0.get("id")).isEqualTo("9007199254740993");
        assertThat(r0.get("n")).isEqualTo(-2147483648);
        assertThat(r0.get("flag")).isEqualTo(true);
        assertThat(r0.get("f")).isEqualTo(1.5f);
        assertThat(r0.get("d")).isEqualTo(0.1);
        assertThat(r0.get("small")).isEqualTo("1234567.89");
        assertThat(r0.get("mid")).isEqualTo("-12345678901234.5678");
        assertThat(r0.get("big")).isEqualTo("1234567890123456789012345678.0123456789");
        assertThat(r0.get("name")).isEqualTo("Zoë \"quoted\" ✓");
        assertThat(r0.get("doc")).isEqualTo("{\"a\":1,\"b\":[\"x\",2.50]}");
        assertThat(r0.get("blob")).isEqualTo("000102FF");
        assertThat(r0.get("day")).isEqualTo("2024-02-29");
        assertThat(r0.get("at")).isEqualTo("23:59:59.123456");
        assertThat(r0.get("ts")).isEqualTo("2025-09-25 13:22:33.5+00");
        assertThat(r0.get("local")).isEqualTo("2025-09-25 13:22:33.123456");
        assertThat(r0.get("code")).isEqualTo("7b1f0c1e-0000-4000-8000-000000000001");
        assertThat(r0.get("pontoon__batch_id")).isEqualTo("1758806553123");
        assertThat(r0.get("synced")).isEqualTo("2025-09-25 13:22:33.123+00");

        Map<String, Object> nulls = read.get(0);
        assertThat(nulls.get("id")).isEqualTo("2");
        assertThat(nulls)
                .containsEntry("n", null)
                .containsEntry("flag", null)
                .containsEntry("small", null)
                .containsEntry("big", null)
                .containsEntry("doc", null)
                .containsEntry("blob", null)
                .containsEntry("ts", null)
                .containsEntry("local", null);

        Map<String, Object> neg = read.get(1);
        assertThat(neg.get("small")).isEqualTo("-0.01");
        assertThat(neg.get("big")).isEqualTo("-99999999999999999999999999.9999999999");
        assertThat(neg.get("day")).isEqualTo("1969-12-31");
        assertThat(neg.get("ts")).isEqualTo("1969-12-31 23:59:59.999999+00");
        assertThat(neg.get("name")).isEqualTo("");

        // Physical types and nullability as SPEC §3 fixes them, not only as DuckDB maps them.
        Map<String, String> physical = new java.util.HashMap<>();
        Map<String, String> repetition = new java.util.HashMap<>();
        for (Map<String, Object> c :
                Parquet.query("SELECT name, type, repetition_type FROM parquet_schema('" + file + "')")) {
            physical.put((String) c.get("name"), (String) c.get("type"));
            repetition.put((String) c.get("name"), (String) c.get("repetition_type"));
        }
        assertThat(physical)
                .containsEntry("small", "INT32")
                .containsEntry("mid", "INT64")
                .containsEntry("big", "FIXED_LEN_BYTE_ARRAY")
                .containsEntry("day", "INT32")
                .containsEntry("at", "INT64");
        assertThat(repetition).containsEntry("id", "REQUIRED").containsEntry("n", "OPTIONAL");
        assertThat(Parquet.query("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')"))
                .extracting(m -> m.get("compression"))
                .containsExactly("SNAPPY");
    }

    @Test
    void aLargeBatchBecomesSeveralFilesOfSeveralPartsWithConsecutiveIndexes() throws Exception {
        ObjectNode dest = Events.destination(server, bucket, null);
        dest.put("compression", "uncompressed");
        ObjectNode event =
                Events.transfer(dest, "events", "2025-12-31T23:59:59.999-01:00", null, "id:bigint!", "payload:string");
        event.put("file_index_start", 7);
        ArrayNode rows = (ArrayNode) event.get("rows");
        Random random = new Random(42);
        int n = 12_000;
        for (int i = 0; i < n; i++) {
            ObjectNode r = rows.addObject();
            r.put("id", i);
            r.put(
                    "payload",
                    Long.toHexString(random.nextLong())
                            + Long.toHexString(random.nextLong())
                            + Long.toHexString(random.nextLong())
                            + Long.toHexString(random.nextLong()));
        }
        JsonNode result = invoke(event);

        // 23:59:59.999 at -01:00 is the next day in UTC; no prefix means no leading slash.
        String batch = Long.toString(java.time.OffsetDateTime.parse("2025-12-31T23:59:59.999-01:00")
                .toInstant()
                .toEpochMilli());
        assertThat(batch).hasSize(13);
        JsonNode files = result.get("files");
        assertThat(files.size()).isGreaterThanOrEqualTo(3);
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            String key = files.get(i).get("key").asText();
            assertThat(key).isEqualTo("events/dt=2026-01-01/20260101005959_" + batch + "_" + (7 + i) + ".parquet");
            var head = s3.headObject(r -> r.bucket(bucket).key(key));
            assertThat(files.get(i).get("bytes").asLong()).isEqualTo(head.contentLength());
            // Every file but the last reached the 256 KiB target, so it went up as several 64 KiB parts.
            if (i < files.size() - 1) {
                assertThat(head.contentLength()).isGreaterThan(2 * 65536);
                // A multipart object's ETag ends in the number of its parts.
                assertThat(head.eTag()).matches("\"[0-9a-f]{32}-\\d+\"");
                assertThat(Integer.parseInt(head.eTag().replaceAll(".*-(\\d+)\"", "$1")))
                        .isGreaterThanOrEqualTo(3);
            }
            Path file = Parquet.download(s3, bucket, key);
            long count = Parquet.count(file);
            assertThat(count).isEqualTo(files.get(i).get("rows").asLong());
            total += count;
        }
        assertThat(total).isEqualTo(n);
        assertThat(result.get("rows").asLong()).isEqualTo(n);
        assertThat(result.get("next_file_index").asInt()).isEqualTo(7 + files.size());
        assertThat(keys()).hasSize(files.size() + 1); // the data files and the manifest
        assertThat(openUploads()).isZero();
    }

    @Test
    void eachCompressionIsWrittenAndReadable() throws Exception {
        for (String codec : List.of("zstd", "gzip", "uncompressed", "snappy")) {
            ObjectNode dest = Events.destination(server, bucket, "c/" + codec);
            dest.put("compression", codec);
            ObjectNode event = Events.transfer(dest, "m", STARTED, "b1", "id:int", "s:string");
            ArrayNode rows = (ArrayNode) event.get("rows");
            for (int i = 0; i < 100; i++) {
                rows.addObject().put("id", i).put("s", "value " + (i % 7));
            }
            JsonNode result = invoke(event);
            Path file = Parquet.download(s3, bucket, result.at("/files/0/key").asText());
            assertThat(Parquet.query("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')"))
                    .extracting(m -> m.get("compression"))
                    .containsExactly(codec.toUpperCase());
            assertThat(Parquet.query("SELECT sum(id) AS s, count(DISTINCT s) AS d FROM read_parquet('" + file + "')")
                            .get(0))
                    .containsEntry("s", new java.math.BigInteger("4950"))
                    .containsEntry("d", 7L);
        }
    }

    @Test
    void zeroRowsWriteNoFile() {
        ObjectNode event = Events.transfer(Events.destination(server, bucket, "x"), "m", STARTED, "b", "id:int");
        event.put("file_index_start", 4);
        JsonNode result = invoke(event);
        assertThat(result.get("files")).isEmpty();
        assertThat(result.get("rows").asLong()).isZero();
        assertThat(result.get("next_file_index").asInt()).isEqualTo(4);
        // No data file; the manifest still says this chunk is complete, with no files.
        assertThat(keys()).containsExactly("x/m/_manifests/20250925132233_b_4.json");
    }

    @Test
    void anInvalidEventFailsNamingTheField() {
        ObjectNode event =
                Events.transfer(Events.destination(server, "Not_A_Bucket", null), "m", STARTED, "b", "id:int");
        ExtractableResponse<Response> response = invokeFailing(event);
        assertThat(response.jsonPath().getString("errorType")).endsWith("InvalidEventException");
        assertThat(response.jsonPath().getString("errorMessage")).startsWith("destination.s3_bucket: 'Not_A_Bucket'");

        String notJson = given().contentType("application/json")
                .body("{\"rows\": [")
                .when()
                .post()
                .then()
                .statusCode(500)
                .extract()
                .jsonPath()
                .getString("errorMessage");
        assertThat(notJson).startsWith("event: not valid JSON at line 1");
    }

    @Test
    void aBadValueNamesRowAndColumnAndLandsNothing() {
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, "p"), "m", STARTED, "b", "id:int!", "amount:decimal(5,2)");
        ArrayNode rows = (ArrayNode) event.get("rows");
        rows.addObject().put("id", 1).put("amount", "123.45");
        rows.addObject().put("id", 2).put("amount", "123.456");
        ExtractableResponse<Response> response = invokeFailing(event);
        assertThat(response.jsonPath().getString("errorMessage"))
                .isEqualTo("rows[1] (row 2), column amount (decimal(5,2)): 123.456 has more than 2 fraction digits");
        assertThat(keys()).isEmpty();
        assertThat(openUploads()).isZero();
    }

    @Test
    void aPersistentS3FailureInTheMiddleOfAFileLeavesNoObjectAndNoOpenUpload() {
        // The third part of the first file fails on every try with 503 SlowDown.
        server.faults()
                .inject(
                        Op.UPLOAD_PART,
                        2,
                        1000,
                        () -> Faults.s3Error(503, "SlowDown", "Please reduce your request rate."));
        ExtractableResponse<Response> response = invokeFailing(bigEvent(4_000));
        assertThat(response.jsonPath().getString("errorType")).endsWith("S3TransientException");
        assertThat(response.jsonPath().getString("errorMessage")).contains("UploadPart 3", "SlowDown", bucket);
        assertThat(keys()).isEmpty();
        assertThat(openUploads()).isZero();
    }

    @Test
    void anAccessDeniedOnCompleteIsNotRetriedAndLeavesNothing() {
        server.faults()
                .inject(Op.COMPLETE_MULTIPART, 0, 1000, () -> Faults.s3Error(403, "AccessDenied", "Access Denied"));
        ExtractableResponse<Response> response = invokeFailing(bigEvent(4_000));
        assertThat(response.jsonPath().getString("errorType")).endsWith("S3PermanentException");
        assertThat(response.jsonPath().getString("errorMessage")).contains("CompleteMultipartUpload", "AccessDenied");
        assertThat(keys()).isEmpty();
        assertThat(openUploads()).isZero();
    }

    @Test
    void aTransientFailureIsRetriedAndTheDataIsWhole() throws Exception {
        server.faults()
                .inject(
                        Op.UPLOAD_PART,
                        1,
                        1,
                        () -> Faults.s3Error(500, "InternalError", "We encountered an internal error."));
        server.faults()
                .inject(Op.PUT_OBJECT, 0, 1, () -> Faults.s3Error(503, "SlowDown", "Please reduce your request rate."));
        JsonNode result = invoke(bigEvent(6_000));
        long total = 0;
        for (JsonNode f : result.get("files")) {
            total += Parquet.count(Parquet.download(s3, bucket, f.get("key").asText()));
        }
        assertThat(total).isEqualTo(6_000);
        assertThat(openUploads()).isZero();
    }

    @Test
    void theTransferRunsWithoutHadoopOnTheClassPath() {
        invoke(bigEvent(10));
        org.junit.jupiter.api.Assertions.assertThrows(
                ClassNotFoundException.class, () -> Class.forName("org.apache.hadoop.conf.Configuration"));
    }

    @jakarta.inject.Inject
    Priming priming;

    @Test
    void thePrimingHookRehearsesInMemoryAndTheFunctionStillWritesRealFiles() throws Exception {
        try (dev.pontoon.s3dest.testing.LogCapture logs = dev.pontoon.s3dest.testing.LogCapture.install()) {
            priming.beforeCheckpoint(null); // what SnapStart calls before its snapshot
            assertThat(logs.all())
                    .contains("primed before the snapshot: rehearsed the transfer function in memory")
                    .doesNotContain("priming before the snapshot failed");
        }
        assertThat(keys()).isEmpty(); // the rehearsal wrote nothing anywhere real
        ObjectNode event =
                Events.transfer(Events.destination(server, bucket, "after"), "m", STARTED, "b", "id:bigint!");
        ((ArrayNode) event.get("rows")).addObject().put("id", 1);
        assertThat(invoke(event).get("status").asText()).isEqualTo("ok");
        assertThat(keys()).hasSize(2);
    }

    @Test
    void anInlineNegativeZeroKeepsItsSignAndUnknownKeysAreCounted() throws Exception {
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, "zero"), "m", STARTED, "b", "id:bigint!", "d:double", "f:float");
        ArrayNode rows = (ArrayNode) event.get("rows");
        rows.addObject().put("id", 1).put("d", -0.0d).put("f", -0.0d).put("extra", 1);
        rows.addObject()
                .put("id", 2)
                .put("d", 0.0d)
                .put("f", 0.0d)
                .put("extra", 2)
                .put("other", "x");
        String body = event.toString();
        assertThat(body).contains("\"d\":-0.0");
        JsonNode result = invoke(event);
        assertThat(result.get("unmatched_fields").toString()).isEqualTo("{\"extra\":2,\"other\":1}");
        Path file = Parquet.download(s3, bucket, result.at("/files/0/key").asText());
        List<Map<String, Object>> read = Parquet.query("SELECT id, d::VARCHAR AS d, f::VARCHAR AS f, "
                + "signbit(d) AS neg FROM read_parquet('" + file + "') ORDER BY id");
        assertThat(read.get(0))
                .containsEntry("d", "-0.0")
                .containsEntry("f", "-0.0")
                .containsEntry("neg", true);
        assertThat(read.get(1)).containsEntry("d", "0.0").containsEntry("neg", false);
    }

    private ObjectNode bigEvent(int n) {
        ObjectNode dest = Events.destination(server, bucket, "big");
        dest.put("compression", "uncompressed");
        ObjectNode event = Events.transfer(dest, "m", STARTED, "b", "id:bigint!", "payload:string");
        ArrayNode rows = (ArrayNode) event.get("rows");
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            rows.addObject()
                    .put("id", i)
                    .put(
                            "payload",
                            UUID.nameUUIDFromBytes(
                                            Long.toString(random.nextLong()).getBytes()) + "-"
                                    + UUID.nameUUIDFromBytes(
                                            Long.toString(random.nextLong()).getBytes()));
        }
        return event;
    }

    private JsonNode invoke(ObjectNode event) {
        String body = given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return Json.read(body);
    }

    private ExtractableResponse<Response> invokeFailing(ObjectNode event) {
        return given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(500)
                .extract();
    }

    private List<String> keys() {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private int openUploads() {
        var uploads = s3.listMultipartUploads(r -> r.bucket(bucket)).uploads();
        return uploads.size();
    }
}
