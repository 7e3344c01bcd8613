package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Invoke;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Staged Arrow IPC (SPEC §13) through the handler, written by Arrow's own JavaScript implementation
 * ({@code src/test/asl/write-arrow.mjs}, an independent writer): the stream format with two streams back to back as
 * Pontoon's append-mode cache writes them, and the file format, every flat type (integers of each width and sign,
 * floats, decimal128, utf8 and large utf8, a dictionary-encoded string, binary, booleans, both date units, times and
 * timestamps of several units, with and without a time zone, a list, a struct and a map landed as json; large binary, fixed-size binary, decimal256, time32 and timestamps in
 * seconds, unsigned 64-bit integers, a string view) with nulls. The writer also writes the same rows as
 * JSONL, and each Arrow object must land byte for byte as that JSONL does; DuckDB reads the result back.
 */
@QuarkusTest
class ArrowSourceTest {
    /** Where the landed files are written for DuckDB to read (removed after the test, not left in /tmp). */
    @org.junit.jupiter.api.io.TempDir
    Path landedDir;

    private static final String STARTED = "2025-09-25T13:22:33.123Z";
    private static final String[] MODEL = {
        "id:bigint!",
        "i:int",
        "tiny:int",
        "small:int",
        "u:bigint",
        "f:float",
        "d:double",
        "amount:decimal(18,4)",
        "name:string",
        "long_name:string",
        "status:string",
        "blob:binary",
        "flag:boolean",
        "day:date",
        "day_ms:date",
        "at:time",
        "at_ms:time",
        "ts:timestamptz",
        "local:timestamp_ntz",
        "ns:timestamp_ntz",
        "ms:timestamptz",
        "tags:json",
        "point:json",
        "attrs:json",
        "big_blob:binary",
        "wide:decimal(30,4)",
        "pair:binary",
        "at_s:time",
        "ts_s:timestamptz",
        "u64:decimal(20,0)",
        "view:string"
    };
    private static Path files;
    private final S3TestServer server = S3TestServer.shared();
    private S3Client s3;
    private String bucket;
    private String staging;

    @BeforeAll
    static void writeWithArrowsOwnWriter() throws Exception {
        files = Files.createTempDirectory("arrow-source");
        Path err = files.resolve("node.err");
        Process node = new ProcessBuilder("node", "write-arrow.mjs", files.toString())
                .directory(Path.of("src/test/asl").toFile())
                .redirectErrorStream(false)
                .redirectError(err.toFile())
                .redirectOutput(files.resolve("node.out").toFile())
                .start();
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(Files.readString(err)).isZero();
    }

    @BeforeEach
    void setUp() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        bucket = "ard-" + id;
        staging = "ars-" + id;
        server.createBucket(bucket);
        server.createBucket(staging);
        s3 = server.client();
        for (String name : new String[] {"cache.arrows", "cache.arrow", "rows.jsonl", "drifted.arrows"}) {
            try {
                s3.putObject(
                        r -> r.bucket(staging).key("cache/" + name),
                        RequestBody.fromBytes(Files.readAllBytes(files.resolve(name))));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    @Test
    void theStreamFormatWithTwoStreamsAndTheFileFormatLandAsTheSameRowsFromJsonlDo() throws Exception {
        List<byte[]> fromJsonl = landed("jsonl", "cache/rows.jsonl");
        List<byte[]> fromStream = landed("arrow", "cache/cache.arrows");
        List<byte[]> fromFile = landed("arrow", "cache/cache.arrow");
        assertThat(fromStream).hasSameSizeAs(fromJsonl);
        assertThat(fromFile).hasSameSizeAs(fromJsonl);
        StringBuilder paths = new StringBuilder();
        for (int f = 0; f < fromJsonl.size(); f++) {
            assertThat(fromStream.get(f))
                    .as("file " + f + " from the stream format")
                    .isEqualTo(fromJsonl.get(f));
            assertThat(fromFile.get(f))
                    .as("file " + f + " from the file format")
                    .isEqualTo(fromJsonl.get(f));
            Path file = landedDir.resolve("arrow-landed-" + f + ".parquet");
            Files.write(file, fromStream.get(f));
            paths.append(f == 0 ? "'" : ", '").append(file).append('\'');
        }
        String file = "[" + paths + "]";
        var agg = Parquet.query("SELECT count(*) AS n, count(i) AS i, count(name) AS names, count(flag) AS flags, "
                        + "count(DISTINCT status) AS statuses, sum(amount)::VARCHAR AS amount FROM read_parquet("
                        + file + ")")
                .get(0);
        assertThat(agg)
                .containsEntry("n", 3000L)
                .containsEntry("i", 2400L)
                .containsEntry("names", 2400L)
                .containsEntry("flags", 2400L)
                .containsEntry("statuses", 4L);
    }

    @Test
    void aModelWithoutDeclaredColumnsTakesTheStreamsSchemaThroughTheSameTable() throws Exception {
        JsonNode result = Invoke.ok(event("arrow", "cache/cache.arrows", new String[0]));
        assertThat(result.get("rows").asLong()).isEqualTo(3000);
        Path file = Parquet.download(s3, bucket, result.at("/files/0/key").asText());
        assertThat(Parquet.duckTypes(file))
                .containsEntry("id", "BIGINT")
                .containsEntry("i", "INTEGER")
                .containsEntry("tiny", "INTEGER")
                .containsEntry("u", "BIGINT")
                .containsEntry("f", "FLOAT")
                .containsEntry("amount", "DECIMAL(18,4)")
                .containsEntry("long_name", "VARCHAR")
                .containsEntry("status", "VARCHAR")
                .containsEntry("blob", "BLOB")
                .containsEntry("day_ms", "DATE")
                .containsEntry("at_ms", "TIME")
                .containsEntry("ts", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("local", "TIMESTAMP")
                .containsEntry("ms", "TIMESTAMP WITH TIME ZONE");
    }

    @Test
    void aTypeThatWouldChangeValuesAndAnObjectThatIsNotArrowAreRefusedAndLandNothing() throws Exception {
        String[] narrow = Arrays.copyOf(MODEL, MODEL.length);
        narrow[7] = "amount:decimal(12,2)";
        assertThat(Invoke.failing(event("arrow", "cache/cache.arrows", narrow)))
                .contains("cache/cache.arrows: column 'amount' is decimal128(18,4) in stream 1 and decimal(12,2) in"
                        + " the model; it would change values");
        String[] wrong = Arrays.copyOf(MODEL, MODEL.length);
        wrong[8] = "name:bigint";
        assertThat(Invoke.failing(event("arrow", "cache/cache.arrow", wrong)))
                .contains("column 'name' is utf8 in stream 1 and bigint in the model");
        assertThat(Invoke.failing(event("arrow", "cache/rows.jsonl", MODEL)))
                .contains("cache/rows.jsonl: does not start like an Arrow IPC stream or file");
        assertThat(keys()).isEmpty(); // each refused before a row was read
        // a second stream whose column changed type is checked on its own: refused naming the stream
        assertThat(Invoke.failing(event("arrow", "cache/drifted.arrows", new String[] {"id:bigint!", "i:int"})))
                .contains("cache/drifted.arrows: column 'i' is utf8 in stream 2 and int in the model");
        byte[] whole = Files.readAllBytes(files.resolve("cache.arrows"));
        s3.putObject(
                r -> r.bucket(staging).key("cache/truncated.arrows"),
                RequestBody.fromBytes(Arrays.copyOf(whole, whole.length / 2)));
        assertThat(Invoke.failing(event("arrow", "cache/truncated.arrows", MODEL)))
                .contains("truncated");
        // files completed before the truncation stay whole, but no manifest claims the chunk and no upload is open
        assertThat(keys()).noneMatch(k -> k.contains("_manifests/"));
        assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    private List<byte[]> landed(String format, String key) {
        JsonNode result = Invoke.ok(event(format, key, MODEL));
        assertThat(result.get("rows").asLong()).isEqualTo(3000);
        List<byte[]> bytes = new java.util.ArrayList<>();
        for (JsonNode f : result.get("files")) {
            bytes.add(s3.getObjectAsBytes(r -> r.bucket(bucket).key(f.get("key").asText()))
                    .asByteArray());
        }
        for (String k : keys()) {
            s3.deleteObject(r -> r.bucket(bucket).key(k));
        }
        return bytes;
    }

    private ObjectNode event(String format, String key, String[] columns) {
        ObjectNode event =
                Events.transfer(Events.destination(server, bucket, "cache"), "orders", STARTED, "b3", columns);
        event.remove("rows");
        ObjectNode source = event.putObject("source");
        source.put("format", format);
        ((ArrayNode) source.putArray("uris")).add("s3://" + staging + "/" + key);
        return event;
    }

    private List<String> keys() {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }
}
