package dev.pontoon.s3dest.handler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.S3TestServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input/corpus.jsonl}): each case patches a valid event
 * ({@code base-event.json}) and must fail with one clear error naming the field — the row and column for data — and
 * land nothing.
 */
@QuarkusTest
class BadInputCorpusTest {
    private static final Path DIR = Path.of("src/test/resources/bad-input");
    private static final S3TestServer SERVER = S3TestServer.shared();
    private static final String STAGING = "corpus-staging";

    @BeforeAll
    static void staging() {
        try (S3Client s3 = SERVER.client()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(STAGING))) {
                s3.createBucket(r -> r.bucket(STAGING));
            }
        }
    }

    static Stream<Arguments> corpus() throws Exception {
        return Files.readAllLines(DIR.resolve("corpus.jsonl")).stream()
                .filter(l -> !l.isBlank())
                .map(l -> Json.read(l))
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    @Test
    void theBaseEventIsValid() throws Exception {
        String bucket = bucket();
        ExtractableResponse<Response> response = post(base(bucket).toString());
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(keys(bucket)).isNotEmpty();
        assertThat(corpus().count()).isGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void aMalformedEventFailsWithOneClearErrorAndLandsNothing(String name, JsonNode c) throws Exception {
        String bucket = bucket();
        String body;
        String expected = c.get("expect").asText();
        if (c.has("raw")) {
            body = c.get("raw").asText();
        } else {
            ObjectNode event = base(bucket);
            if (c.has("staged")) {
                JsonNode staged = c.get("staged");
                String key = bucket + "/" + staged.get("key").asText();
                try (S3Client s3 = SERVER.client()) {
                    s3.putObject(
                            r -> r.bucket(STAGING).key(key),
                            RequestBody.fromBytes(Base64.getDecoder()
                                    .decode(staged.get("base64").asText())));
                }
                String uri = "s3://" + STAGING + "/" + key;
                event.remove("rows");
                ObjectNode source = event.putObject("source");
                source.put("format", staged.path("format").asText("jsonl"));
                for (String option : new String[] {"compression", "missing_columns", "unknown_fields"}) {
                    if (staged.has(option)) {
                        source.put(option, staged.get(option).asText());
                    }
                }
                source.putArray("uris").add(uri);
                expected = expected.replace("STAGED", uri);
            }
            for (JsonNode pointer : c.path("remove")) {
                remove(event, JsonPointer.compile(pointer.asText()));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("set").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                set(event, JsonPointer.compile(e.getKey()), e.getValue());
            }
            body = event.toString();
            // Literal text a JSON tree cannot hold (a number like 1E+999999999, a key twice): replaced in the body.
            for (JsonNode pair : c.path("replace")) {
                String from = pair.get(0).asText();
                assertThat(body).as("replace %s", from).contains(from);
                body = body.replace(from, pair.get(1).asText());
            }
        }
        ExtractableResponse<Response> response = post(body);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(500);
        assertThat(response.jsonPath().getString("errorType"))
                .isEqualTo("dev.pontoon.s3dest.event.InvalidEventException");
        assertThat(response.jsonPath().getString("errorMessage")).startsWith(expected);
        assertThat(response.asString()).doesNotContain(S3TestServer.SECRET_KEY);
        assertThat(keys(bucket)).isEmpty();
        try (S3Client s3 = SERVER.client()) {
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
        }
    }

    @Test
    void aHugeRowIsRefusedWithItsLineRatherThanExhaustingMemory() {
        String bucket = bucket();
        String key = bucket + "/huge.jsonl";
        StringBuilder huge =
                new StringBuilder(Json.MAX_STRING_LENGTH + 64).append("{\"id\": 1}\n{\"id\": 2, \"name\": \"");
        huge.append("x".repeat(Json.MAX_STRING_LENGTH + 1)).append("\"}\n");
        try (S3Client s3 = SERVER.client()) {
            s3.putObject(
                    r -> r.bucket(STAGING).key(key), RequestBody.fromString(huge.toString(), StandardCharsets.UTF_8));
        }
        ObjectNode event = base(bucket);
        event.remove("rows");
        ObjectNode source = event.putObject("source");
        source.put("format", "jsonl");
        source.putArray("uris").add("s3://" + STAGING + "/" + key);
        ExtractableResponse<Response> response = post(event.toString());
        assertThat(response.jsonPath().getString("errorMessage"))
                .startsWith("s3://" + STAGING + "/" + key + " line 2: not valid JSON: String value length")
                .contains("exceeds the maximum allowed (" + Json.MAX_STRING_LENGTH);
        assertThat(keys(bucket)).isEmpty();
    }

    @Test
    void aCsvQuoteThatNeverClosesIsRefusedWithItsLineRatherThanExhaustingMemory() throws Exception {
        String bucket = bucket();
        String key = bucket + "/unclosed.csv.gz";
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write("id,name\n1,ok\n2,\"".getBytes(StandardCharsets.UTF_8));
            byte[] xs = new byte[1 << 20];
            java.util.Arrays.fill(xs, (byte) 'x');
            for (int i = 0; i < 17; i++) {
                out.write(xs); // 17 MiB inside one quote: 7 MB would already do at 512 MB without the bound
            }
        }
        try (S3Client s3 = SERVER.client()) {
            s3.putObject(r -> r.bucket(STAGING).key(key), RequestBody.fromBytes(gz.toByteArray()));
        }
        ObjectNode event = base(bucket);
        event.remove("rows");
        ObjectNode source = event.putObject("source");
        source.put("format", "csv");
        source.put("missing_columns", "null");
        source.putArray("uris").add("s3://" + STAGING + "/" + key);
        ExtractableResponse<Response> response = post(event.toString());
        assertThat(response.jsonPath().getString("errorType"))
                .isEqualTo("dev.pontoon.s3dest.event.InvalidEventException");
        assertThat(response.jsonPath().getString("errorMessage"))
                .isEqualTo("s3://" + STAGING + "/" + key + " line 3, column name: a field longer than "
                        + Json.MAX_STRING_LENGTH + " characters (is a quote never closed?)");
        assertThat(keys(bucket)).isEmpty();
    }

    private static ObjectNode base(String bucket) {
        try {
            ObjectNode event = (ObjectNode) Json.read(Files.readString(DIR.resolve("base-event.json")));
            ObjectNode d = (ObjectNode) event.get("destination");
            d.put("s3_bucket", bucket);
            d.put("endpoint_url", SERVER.endpoint().toString());
            d.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
            d.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
            return event;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void remove(JsonNode root, JsonPointer pointer) {
        JsonNode parent = root.at(pointer.head());
        String last = pointer.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(Integer.parseInt(last));
        }
    }

    private static void set(JsonNode root, JsonPointer pointer, JsonNode value) {
        JsonNode parent = root.at(pointer.head());
        String last = pointer.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            int index = Integer.parseInt(last);
            if (index < a.size()) {
                a.set(index, value);
            } else {
                a.add(value);
            }
        }
    }

    private static String bucket() {
        String bucket = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        SERVER.createBucket(bucket);
        return bucket;
    }

    private static List<String> keys(String bucket) {
        try (S3Client s3 = SERVER.client()) {
            return s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
                    .map(o -> o.key())
                    .toList();
        }
    }

    private static ExtractableResponse<Response> post(String body) {
        return given().contentType("application/json")
                .body(body)
                .when()
                .post()
                .then()
                .extract();
    }
}
