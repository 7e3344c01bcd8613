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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Staged Parquet (SPEC §13) through the handler: files written by DuckDB (an independent writer) with every flat
 * type, nulls, several row groups and each codec, landed and read back by DuckDB value by value; the same rows from
 * JSONL and from Parquet give the same bytes; a file that is not what the format says, a type that would change
 * values and a null in a non-nullable column each get one error naming what is wrong, and land nothing.
 */
@QuarkusTest
class ParquetSourceTest {
    private static final String STARTED = "2025-09-25T13:22:33.123Z";
    /** The declared model, and the DuckDB expression of the source that each column must equal. */
    private static final String[][] MODEL = {
        {"id:bigint!", "id"},
        {"i:int", "i"},
        {"u:bigint", "u::BIGINT"},
        {"flag:boolean", "flag"},
        {"f:float", "f"},
        {"d:double", "d"},
        {"small:decimal(9,2)", "small"},
        {"mid:decimal(18,4)", "mid"},
        {"big:decimal(38,10)", "big"},
        {"widened:decimal(20,4)", "widened::DECIMAL(20,4)"},
        {"name:string", "name"},
        {"blob:binary", "blob"},
        {"day:date", "day"},
        {"at:time", "\"at\""},
        {"local:timestamp_ntz", "\"local\""},
        {"ts:timestamptz", "ts"},
        {"ms:timestamp_ntz", "ms::TIMESTAMP"},
        {"ns:timestamp_ntz", "ns::TIMESTAMP"},
        {"code:uuid", "code::VARCHAR"}
    };
    /** 5,000 rows of every type, every fifth value null (but id), values varied by row. */
    private static final String SOURCE_SELECT = "SELECT range AS id, "
            + "CASE WHEN range % 5 = 1 THEN NULL ELSE (range * 7 - 3000)::INTEGER END AS i, "
            + "CASE WHEN range % 5 = 2 THEN NULL ELSE (4000000000 - range)::UINTEGER END AS u, "
            + "CASE WHEN range % 5 = 3 THEN NULL ELSE range % 2 = 0 END AS flag, "
            + "(range / 8.0)::FLOAT AS f, "
            + "CASE WHEN range % 5 = 4 THEN NULL ELSE range * 1.1e-3 - 2 END AS d, "
            + "(range * 3.01 - 7000)::DECIMAL(9,2) AS small, "
            + "(range * 3.01 - 7000)::DECIMAL(9,2) AS widened, "
            + "(range * 12345.6789)::DECIMAL(18,4) AS mid, "
            + "CASE WHEN range % 5 = 1 THEN NULL ELSE ('9876543210987654321.0123456789'::DECIMAL(38,10) - range *"
            + " '1234567890123.0123456789'::DECIMAL(38,10)) END AS big, "
            + "CASE WHEN range % 5 = 2 THEN NULL ELSE 'name ' || range || ' é ✓' END AS name, "
            + "CASE WHEN range % 5 = 3 THEN NULL ELSE ('\\x00\\xFF' || range)::BLOB END AS blob, "
            + "DATE '2024-02-29' + (range % 1000)::INTEGER AS day, "
            + "TIME '00:00:00' + INTERVAL (range * 17) SECOND + INTERVAL (range) MICROSECOND AS at, "
            + "TIMESTAMP '2025-01-01 00:00:00' + INTERVAL (range * 3661) SECOND + INTERVAL (range) MICROSECOND"
            + " AS local, "
            + "CASE WHEN range % 5 = 4 THEN NULL ELSE TIMESTAMPTZ '2025-06-30 23:59:59.999999+00' - INTERVAL (range)"
            + " HOUR END AS ts, "
            + "(TIMESTAMP '2020-01-01' + INTERVAL (range) MINUTE)::TIMESTAMP_MS AS ms, "
            + "(TIMESTAMP '2020-01-01' + INTERVAL (range * 1001) MICROSECOND)::TIMESTAMP_NS AS ns, "
            + "true AS extra, "
            + "md5(range::VARCHAR)::UUID AS code "
            + "FROM range(5000)";

    private final S3TestServer server = S3TestServer.shared();
    private S3Client s3;
    private String bucket;
    private String staging;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        bucket = "pqd-" + id;
        staging = "pqs-" + id;
        server.createBucket(bucket);
        server.createBucket(staging);
        s3 = server.client();
        dir = Files.createTempDirectory("parquet-source");
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    @Test
    void everyFlatTypeFromDuckDbLandsValueForValueWithEachCodecAndRowGroups() throws Exception {
        String select = SOURCE_SELECT;
        List<String> keys = new ArrayList<>();
        for (String codec : new String[] {"snappy", "zstd", "gzip", "uncompressed"}) {
            Path file = dir.resolve("part-" + codec + ".parquet");
            Parquet.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET, COMPRESSION " + codec
                    + ", ROW_GROUP_SIZE 1024)");
            put("unload/part-" + codec + ".parquet", Files.readAllBytes(file));
            keys.add("unload/part-" + codec + ".parquet");
        }
        assertThat(Parquet.query("SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('"
                                + dir.resolve("part-snappy.parquet") + "')")
                        .get(0)
                        .get("n"))
                .isEqualTo(3L); // DuckDB cuts row groups at whole vectors of 2,048 rows
        JsonNode result = Invoke.ok(event(keys.toArray(String[]::new)));
        assertThat(result.get("rows").asLong()).isEqualTo(20_000);
        assertThat(result.get("unmatched_fields").toString()).isEqualTo("{\"extra\":20000}");
        StringBuilder expected = new StringBuilder("SELECT ");
        StringBuilder landed = new StringBuilder("SELECT DISTINCT ");
        for (int c = 0; c < MODEL.length; c++) {
            String name = '"' + MODEL[c][0].split(":")[0] + '"';
            expected.append(c == 0 ? "" : ", ")
                    .append("(")
                    .append(MODEL[c][1])
                    .append(")::VARCHAR AS ")
                    .append(name);
            landed.append(c == 0 ? "" : ", ")
                    .append(name)
                    .append("::VARCHAR AS ")
                    .append(name);
        }
        List<Map<String, Object>> want = Parquet.query(
                expected + " FROM read_parquet('" + dir.resolve("part-snappy.parquet") + "') ORDER BY id");
        List<Path> outputs = new ArrayList<>();
        for (JsonNode f : result.get("files")) {
            outputs.add(Parquet.download(s3, bucket, f.get("key").asText()));
        }
        String files = outputs.stream()
                .map(p -> "'" + p + "'")
                .reduce((a, b) -> a + ", " + b)
                .orElseThrow();
        List<Map<String, Object>> got = Parquet.query(landed + " FROM read_parquet([" + files + "]) ORDER BY id");
        assertThat(got).hasSize(5000);
        for (int r = 0; r < want.size(); r++) {
            assertThat(got.get(r)).as("row " + r).isEqualTo(want.get(r));
        }
        // each of the four objects landed the same 5,000 rows
        assertThat(Parquet.query("SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet([" + files + "])")
                        .get(0))
                .containsEntry("n", 20_000L)
                .containsEntry("ids", 5_000L);
    }

    @Test
    void aModelWithoutDeclaredColumnsTakesTheFilesSchemaThroughTheSameTable() throws Exception {
        Path file = dir.resolve("inferred.parquet");
        Parquet.execute("COPY (" + SOURCE_SELECT + ") TO '" + file + "' (FORMAT PARQUET)");
        put("infer/part-0.parquet", Files.readAllBytes(file));
        JsonNode result = Invoke.ok(staged("parquet", "inferred", new String[0], "infer/part-0.parquet"));
        assertThat(result.get("rows").asLong()).isEqualTo(5000);
        Path out = Parquet.download(s3, bucket, result.at("/files/0/key").asText());
        assertThat(Parquet.duckTypes(out))
                .containsEntry("i", "INTEGER")
                .containsEntry("u", "BIGINT")
                .containsEntry("big", "DECIMAL(38,10)")
                .containsEntry("name", "VARCHAR")
                .containsEntry("blob", "BLOB")
                .containsEntry("at", "TIME")
                .containsEntry("ts", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("local", "TIMESTAMP")
                .containsEntry("ns", "TIMESTAMP")
                .containsEntry("code", "VARCHAR");
        StringBuilder all = new StringBuilder();
        for (JsonNode f : result.get("files")) {
            all.append(all.isEmpty() ? "'" : ", '")
                    .append(Parquet.download(s3, bucket, f.get("key").asText()))
                    .append('\'');
        }
        assertThat(Parquet.query("SELECT count(*) AS n, count(i) AS i FROM read_parquet([" + all + "])")
                        .get(0))
                .containsEntry("n", 5000L)
                .containsEntry("i", 4000L);
    }

    @Test
    void theSameRowsFromJsonlAndFromParquetGiveTheSameBytes() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            jsonl.append("{\"id\": ")
                    .append(i)
                    .append(", \"name\": ")
                    .append(i % 7 == 0 ? "null" : "\"n" + i + "\"")
                    .append(", \"amount\": ")
                    .append(i * 3 - 4000)
                    .append(".25")
                    .append(", \"d\": ")
                    .append(i / 3.0)
                    .append(", \"day\": \"2025-0")
                    .append(1 + i % 9)
                    .append("-1")
                    .append(i % 10)
                    .append('"')
                    .append(", \"ts\": \"2025-09-25T13:22:")
                    .append(10 + i % 50)
                    .append(".123456Z\"")
                    // nested values land as json: a list (with a null element), a struct, a map
                    .append(", \"tags\": ")
                    .append(i % 5 == 0 ? "null" : i % 5 == 1 ? "[]" : "[" + i + ", null, " + (i + 1) + "]")
                    .append(", \"point\": ")
                    .append(i % 6 == 0 ? "null" : "{\"label\":\"p" + i + "\",\"x\":" + i + ".25}")
                    .append(", \"attrs\": {\"k")
                    .append(i % 3)
                    .append("\":")
                    .append(i)
                    .append("}}\n");
        }
        Path jsonFile = dir.resolve("rows.jsonl");
        Files.writeString(jsonFile, jsonl);
        Path parquetFile = dir.resolve("rows.parquet");
        Parquet.execute("COPY (SELECT * FROM read_json('" + jsonFile + "', format = 'newline_delimited', columns = "
                + "{id: 'BIGINT', name: 'VARCHAR', amount: 'DECIMAL(12,2)', d: 'DOUBLE', day: 'DATE', "
                + "ts: 'TIMESTAMPTZ', tags: 'INTEGER[]', point: 'STRUCT(label VARCHAR, x DOUBLE)', "
                + "attrs: 'MAP(VARCHAR, INTEGER)'}) ORDER BY id) TO '" + parquetFile
                + "' (FORMAT PARQUET, ROW_GROUP_SIZE 700)");
        put("same/rows.jsonl", Files.readAllBytes(jsonFile));
        put("same/rows.parquet", Files.readAllBytes(parquetFile));
        String[] columns = {
            "id:bigint!",
            "name:string",
            "amount:decimal(12,2)",
            "d:double",
            "day:date",
            "ts:timestamptz",
            "tags:json",
            "point:json",
            "attrs:json"
        };
        ObjectNode fromJson = staged("jsonl", "json-out", columns, "same/rows.jsonl");
        ObjectNode fromParquet = staged("parquet", "json-out", columns, "same/rows.parquet");
        String bucketJson = bucket;
        JsonNode a = Invoke.ok(fromJson);
        byte[] jsonBytes = s3.getObjectAsBytes(
                        r -> r.bucket(bucketJson).key(a.at("/files/0/key").asText()))
                .asByteArray();
        s3.deleteObject(r -> r.bucket(bucketJson).key(a.at("/files/0/key").asText()));
        JsonNode b = Invoke.ok(fromParquet);
        assertThat(b.at("/files/0/key").asText()).isEqualTo(a.at("/files/0/key").asText());
        byte[] parquetBytes = s3.getObjectAsBytes(
                        r -> r.bucket(bucketJson).key(b.at("/files/0/key").asText()))
                .asByteArray();
        assertThat(parquetBytes).isEqualTo(jsonBytes);
    }

    @Test
    void aMismatchANarrowDecimalANullAndAFileThatIsNotParquetEachNameWhatIsWrongAndLandNothing() throws Exception {
        Path file = dir.resolve("typed.parquet");
        Parquet.execute("COPY (SELECT range AS id, 'x' || range AS name, (range * 1.5)::DECIMAL(12,3) AS amount, "
                + "CASE WHEN range = 41 THEN NULL ELSE range END AS must "
                + "FROM range(100)) TO '" + file + "' (FORMAT PARQUET)");
        put("bad/typed.parquet", Files.readAllBytes(file));
        put("bad/not.parquet", "{\"id\": 1}\n".getBytes());
        byte[] typed = Files.readAllBytes(file);
        put("bad/truncated.parquet", java.util.Arrays.copyOf(typed, typed.length - 20)); // its footer cut short

        String mismatch = Invoke.failing(
                staged("parquet", "out", new String[] {"id:bigint!", "name:bigint"}, "bad/typed.parquet"));
        assertThat(mismatch)
                .contains("bad/typed.parquet: column 'name' is binary (STRING) in the file and bigint in the model");
        String narrow = Invoke.failing(
                staged("parquet", "out", new String[] {"id:bigint!", "amount:decimal(12,2)"}, "bad/typed.parquet"));
        assertThat(narrow).contains("column 'amount' is int64 (DECIMAL(12,3)) in the file and decimal(12,2)");
        String nulls = Invoke.failing(
                staged("parquet", "out", new String[] {"id:bigint!", "must:bigint!"}, "bad/typed.parquet"));
        assertThat(nulls).contains("bad/typed.parquet row 42, column must: null in a non-nullable column");
        String notParquet = Invoke.failing(staged("parquet", "out", new String[] {"id:bigint!"}, "bad/not.parquet"));
        assertThat(notParquet).contains("bad/not.parquet: not a readable Parquet file");
        assertThat(Invoke.failing(staged("parquet", "out", new String[] {"id:bigint!"}, "bad/truncated.parquet")))
                .contains("bad/truncated.parquet: not a readable Parquet file");
        String missing = Invoke.failing(
                staged("parquet", "out", new String[] {"id:bigint!", "gone:string"}, "bad/typed.parquet"));
        assertThat(missing).contains("bad/typed.parquet: has no column 'gone'");
        assertThat(keys(bucket)).isEmpty();
        assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    private ObjectNode event(String... keys) {
        String[] columns = new String[MODEL.length];
        for (int c = 0; c < MODEL.length; c++) {
            columns[c] = MODEL[c][0];
        }
        return staged("parquet", "unload", columns, keys);
    }

    private ObjectNode staged(String format, String prefix, String[] columns, String... keys) {
        ObjectNode event =
                Events.transfer(Events.destination(server, bucket, prefix), "orders", STARTED, "b9", columns);
        event.remove("rows");
        ObjectNode source = event.putObject("source");
        source.put("format", format);
        ArrayNode uris = source.putArray("uris");
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
}
