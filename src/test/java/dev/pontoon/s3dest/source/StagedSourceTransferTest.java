package dev.pontoon.s3dest.source;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.FaultProxy;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import io.airlift.compress.zstd.ZstdOutputStream;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Source-pointer transfers: staged JSONL and CSV objects in S3, through the handler, read back with DuckDB. */
@QuarkusTest
class StagedSourceTransferTest {
    private static final String STARTED = "2025-09-25T13:22:33.123Z";
    private final S3TestServer server = S3TestServer.shared();
    private S3Client s3;
    private String bucket;
    private String staging;

    @BeforeEach
    void setUp() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        bucket = "dst-" + id;
        staging = "stg-" + id;
        server.createBucket(bucket);
        server.createBucket(staging);
        s3 = server.client();
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    @Test
    void jsonlGzipAndZstdObjectsAreReadInOrderIntoOneBatch() throws Exception {
        put("leads/part-0.jsonl.gz", gzip(jsonl(0, 3000)));
        put("leads/part-1.jsonl.zst", zstd(jsonl(3000, 6000)));
        put("leads/part-2.jsonl", jsonl(6000, 9000).getBytes(StandardCharsets.UTF_8));
        put("leads/part-3", gzip(jsonl(9000, 12000))); // no extension: detected by its magic bytes
        JsonNode result = invoke(event(
                "jsonl",
                null,
                "leads/part-0.jsonl.gz",
                "leads/part-1.jsonl.zst",
                "leads/part-2.jsonl",
                "leads/part-3"));
        assertThat(result.get("rows").asLong()).isEqualTo(12000);
        assertThat(result.get("files").size()).isGreaterThan(1);
        long expectedSum = 0;
        for (long i = 0; i < 12000; i++) {
            expectedSum += i;
        }
        long rows = 0;
        long sum = 0;
        for (JsonNode f : result.get("files")) {
            Path file = Parquet.download(s3, bucket, f.get("key").asText());
            Map<String, Object> agg = Parquet.query("SELECT count(*) AS n, sum(id) AS s, count(note) AS notes, "
                            + "sum(amount)::VARCHAR AS amount FROM read_parquet('" + file + "')")
                    .get(0);
            rows += ((Number) agg.get("n")).longValue();
            sum += ((Number) agg.get("s")).longValue();
        }
        assertThat(rows).isEqualTo(12000);
        assertThat(sum).isEqualTo(expectedSum);
        // The key the model does not name, counted on every line across objects, blocks and decoding threads.
        assertThat(result.get("unmatched_fields").toString()).isEqualTo("{\"unknown_field\":12000}");
        // Files follow the order of the sources: the first file starts with id 0.
        Path first = Parquet.download(s3, bucket, result.at("/files/0/key").asText());
        assertThat(Parquet.query("SELECT min(id) AS m FROM read_parquet('" + first + "')")
                        .get(0)
                        .get("m"))
                .isEqualTo(0L);
    }

    @Test
    void csvFollowsRfc4180AndTellsNullFromEmpty() throws Exception {
        String csv = "id,name,amount,active,note,ignored_extra\r\n"
                + "1,plain,1.50,true,\"\",x\r\n"
                + "2,\"comma, inside\",2,false,,x\r\n"
                + "3,\"quote \"\"inside\"\"\",-3.25,t,\"line one\nline two\",x\n"
                + "4,,,,\"\",x\n"
                + "\n"
                + "5,last,0,0,\"no newline at end\",x";
        put("in/data.csv", csv.getBytes(StandardCharsets.UTF_8));
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, "csv"),
                "people",
                STARTED,
                "b",
                "id:bigint!",
                "name:string",
                "amount:decimal(6,2)",
                "active:boolean",
                "note:string",
                "absent:int");
        event.remove("rows");
        // "absent" is in no header: null by the explicit option (by default a missing column is an error).
        event.putObject("source")
                .put("format", "csv")
                .put("missing_columns", "null")
                .putArray("uris")
                .add("s3://" + staging + "/in/data.csv");
        JsonNode result = invoke(event);
        Path file = Parquet.download(s3, bucket, result.at("/files/0/key").asText());
        List<Map<String, Object>> rows = Parquet.rowsAsText(file, "id");
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0))
                .containsEntry("name", "plain")
                .containsEntry("amount", "1.50")
                .containsEntry("active", "true")
                .containsEntry("note", "")
                .containsEntry("absent", null);
        assertThat(rows.get(1))
                .containsEntry("name", "comma, inside")
                .containsEntry("note", null)
                .containsEntry("amount", "2.00");
        assertThat(rows.get(2))
                .containsEntry("name", "quote \"inside\"")
                .containsEntry("note", "line one\nline two")
                .containsEntry("active", "true");
        assertThat(rows.get(3))
                .containsEntry("name", null)
                .containsEntry("amount", null)
                .containsEntry("note", "");
        assertThat(rows.get(4)).containsEntry("note", "no newline at end").containsEntry("active", "false");
        assertThat(Parquet.duckTypes(file)).doesNotContainKey("ignored_extra");
        assertThat(result.get("unmatched_fields").toString()).isEqualTo("{\"ignored_extra\":5}");
    }

    @Test
    void keysThatMatchNoColumnAreCountedPerNameOnceEachInTheResultAndTheManifest() throws Exception {
        // Lines the fast decoder takes, and lines it leaves to the general one (a non-ASCII key, an escaped key, an
        // exponent): each key is counted once per line whichever decoder reads it.
        StringBuilder jsonl = new StringBuilder();
        long accented = 0;
        long escaped = 0;
        int lines = 9000;
        for (int i = 0; i < lines; i++) {
            jsonl.append("{\"id\": ").append(i).append(", \"unknown_field\": [1, 2]");
            if (i % 7 == 0) {
                jsonl.append(", \"caf\u00e9\": 1");
                accented++;
            }
            if (i % 11 == 0) {
                jsonl.append(", \"tab\\tkey\": {\"a\": null}");
                escaped++;
            }
            jsonl.append(", \"amount\": ").append(i % 13 == 0 ? "1e1" : "2.5").append("}\n");
        }
        put("drift/part-0.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
        JsonNode result = invoke(event("jsonl", null, "drift/part-0.jsonl"));
        assertThat(result.get("rows").asLong()).isEqualTo(lines);
        JsonNode unmatched = result.get("unmatched_fields");
        assertThat(unmatched.size()).isEqualTo(3);
        assertThat(unmatched.get("unknown_field").asLong()).isEqualTo(lines);
        assertThat(unmatched.get("caf\u00e9").asLong()).isEqualTo(accented);
        assertThat(unmatched.get("tab\tkey").asLong()).isEqualTo(escaped);
        String manifestKey = keys(bucket).stream()
                .filter(k -> k.contains("/_manifests/"))
                .findFirst()
                .orElseThrow();
        JsonNode manifest = Json.read(new String(
                s3.getObjectAsBytes(r -> r.bucket(bucket).key(manifestKey)).asByteArray(), StandardCharsets.UTF_8));
        assertThat(manifest.get("unmatched_fields")).isEqualTo(unmatched);
    }

    @Test
    void aMalformedLineInTheMiddleNamesObjectLineAndColumnAndLandsNothing() throws Exception {
        StringBuilder jsonl = new StringBuilder(jsonl(0, 500));
        jsonl.append("{\"id\": 500, \"amount\": \"12.345\"}\n").append(jsonl(501, 600));
        put("bad/decimal.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
        String error = invokeFailing(event("jsonl", null, "bad/decimal.jsonl"));
        assertThat(error)
                .isEqualTo("s3://" + staging + "/bad/decimal.jsonl line 501, column amount (decimal(12,2)): "
                        + "12.345 has more than 2 fraction digits");

        put("bad/syntax.jsonl.gz", gzip(jsonl(0, 10) + "{\"id\": 10, \"amount\": }\n"));
        assertThat(invokeFailing(event("jsonl", null, "bad/syntax.jsonl.gz")))
                .startsWith("s3://" + staging + "/bad/syntax.jsonl.gz line 11: not valid JSON:");

        put("bad/quote.csv", "id,amount\n1,2\n2,\"3\"x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(invokeFailing(event("csv", null, "bad/quote.csv")))
                .startsWith("s3://" + staging + "/bad/quote.csv line 3: unexpected 'x' after a closing quote");

        put(
                "bad/utf8.csv",
                concat(
                        "id,note\n1,ok\n2,".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xC3, (byte) 0x28},
                        "\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(invokeFailing(event("csv", null, "bad/utf8.csv")))
                .isEqualTo("s3://" + staging + "/bad/utf8.csv line 3: not valid UTF-8");

        assertThat(keys(bucket)).isEmpty();
        assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void aMissingObjectNamesTheUri() {
        String error = invokeFailing(event("jsonl", null, "nowhere/part-0.jsonl.gz"));
        assertThat(error)
                .startsWith("GetObject (source s3://" + staging + "/nowhere/part-0.jsonl.gz) on s3://" + staging
                        + "/nowhere/part-0.jsonl.gz failed: NoSuchKey");
        assertThat(keys(bucket)).isEmpty();
    }

    @Test
    void aFailureInALaterSourceLeavesOnlyWholeFiles() throws Exception {
        // The first source fills several files; the second fails at its first row. Completed files stay (whole);
        // the file in progress is aborted.
        put("two/a.jsonl", jsonl(0, 8000).getBytes(StandardCharsets.UTF_8));
        put("two/b.jsonl", "{\"id\": \"not a number\"}\n".getBytes(StandardCharsets.UTF_8));
        String error = invokeFailing(event("jsonl", null, "two/a.jsonl", "two/b.jsonl"));
        assertThat(error)
                .startsWith("s3://" + staging + "/two/b.jsonl line 1, column id (bigint): expected an integer");
        for (String key : keys(bucket)) {
            Parquet.count(Parquet.download(s3, bucket, key)); // every visible file reads whole
        }
        assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void objectsDecodedSideBySideGiveTheSameBytesAndTheSameFirstError() throws Exception {
        // Seven objects of different sizes and codecs, one of them empty: decoded one at a time, then three at once.
        String[] keys = new String[7];
        for (int o = 0; o < keys.length; o++) {
            keys[o] = "side/part-" + o + (o % 2 == 0 ? ".jsonl.gz" : ".jsonl");
            String text = o == 3 ? "" : jsonl(o * 5000, o * 5000 + 1000 + o * 700);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            put(keys[o], o % 2 == 0 ? gzip(text) : bytes);
        }
        Map<String, String> one = filesAndDigests(withDecodeThreads("1", () -> invoke(event("jsonl", null, keys))));
        Map<String, String> three = filesAndDigests(withDecodeThreads("3", () -> invoke(event("jsonl", null, keys))));
        assertThat(one).hasSizeGreaterThan(1);
        assertThat(three).isEqualTo(one);

        // A bad row in object 4 of 7 is the error, whichever thread decodes it, even when later objects are fine.
        put("side/part-4.jsonl.gz", gzip("{\"id\": 1}\n{\"id\": \"x\"}\n"));
        String expected = "s3://" + staging + "/side/part-4.jsonl.gz line 2, column id (bigint): expected an integer";
        assertThat(withDecodeThreads("1", () -> invokeFailing(event("jsonl", null, keys))))
                .startsWith(expected);
        assertThat(withDecodeThreads("3", () -> invokeFailing(event("jsonl", null, keys))))
                .startsWith(expected);
        assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    private static <T> T withDecodeThreads(String threads, java.util.function.Supplier<T> call) {
        System.setProperty("s3dest.decode-threads", threads);
        try {
            return call.get();
        } finally {
            System.clearProperty("s3dest.decode-threads");
        }
    }

    /** Each written file's key and the SHA-256 of its bytes. */
    private Map<String, String> filesAndDigests(JsonNode result) throws Exception {
        Map<String, String> digests = new java.util.TreeMap<>();
        for (JsonNode f : result.get("files")) {
            byte[] bytes = s3.getObjectAsBytes(
                            r -> r.bucket(bucket).key(f.get("key").asText()))
                    .asByteArray();
            digests.put(
                    f.get("key").asText(),
                    java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(bytes)));
        }
        return digests;
    }

    @Test
    void aSourceWithItsOwnEndpointIsReadThereNotThroughTheDestinations() throws Exception {
        put("own/part-0.jsonl", jsonl(0, 100).getBytes(StandardCharsets.UTF_8));
        try (FaultProxy destinationPath = new FaultProxy(server.endpoint())) {
            ObjectNode event = event("jsonl", null, "own/part-0.jsonl");
            ((ObjectNode) event.get("destination"))
                    .put("endpoint_url", destinationPath.endpoint().toString());
            ((ObjectNode) event.get("source"))
                    .put("endpoint_url", server.endpoint().toString())
                    .put("s3_region", "us-east-1");
            JsonNode result = invoke(event);
            assertThat(result.get("rows").asLong()).isEqualTo(100);
            // The destination's endpoint saw the writes and no read; the source was read at its own endpoint.
            assertThat(destinationPath.log()).contains("PUT_OBJECT pass").noneMatch(l -> l.startsWith("GET_OBJECT"));
        }
    }

    private static String jsonl(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("{\"id\": ")
                    .append(i)
                    .append(", \"amount\": \"")
                    .append(i % 1000)
                    .append('.')
                    .append(i % 100 < 10 ? "0" : "")
                    .append(i % 100)
                    .append("\", \"email\": \"user")
                    .append(i)
                    .append("@example.com\"")
                    .append(i % 3 == 0 ? ", \"note\": null" : ", \"note\": \"note " + i + "\"")
                    .append(", \"unknown_field\": [1, 2]}\n");
        }
        return sb.toString();
    }

    private ObjectNode event(String format, String compression, String... keys) {
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, "staged"),
                "leads",
                STARTED,
                "b7",
                "id:bigint!",
                "email:string",
                "amount:decimal(12,2)",
                "note:string");
        event.remove("rows");
        ObjectNode source = event.putObject("source");
        source.put("format", format);
        if (format.equals("csv")) {
            source.put("missing_columns", "null"); // these files carry a subset of the model's columns
        }
        if (compression != null) {
            source.put("compression", compression);
        }
        var uris = source.putArray("uris");
        for (String k : keys) {
            uris.add("s3://" + staging + "/" + k);
        }
        return event;
    }

    private void put(String key, byte[] data) {
        s3.putObject(r -> r.bucket(staging).key(key), RequestBody.fromBytes(data));
    }

    private List<String> keys(String b) {
        return s3.listObjectsV2Paginator(r -> r.bucket(b)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static byte[] zstd(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
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

    private String invokeFailing(ObjectNode event) {
        return given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(500)
                .extract()
                .jsonPath()
                .getString("errorMessage");
    }
}
