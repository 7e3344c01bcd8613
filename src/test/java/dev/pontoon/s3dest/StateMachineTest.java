package dev.pontoon.s3dest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.handler.CommitHandler;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Batches;
import dev.pontoon.s3dest.testing.LambdaEndpoint;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.transfer.TransferService;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The template's batch state machine, validated by {@code asl-validator} and run by an independent ASL interpreter
 * ({@code aws-local-stepfunctions}, in {@code src/test/asl/run-batch.mjs}): its Distributed Map over a real listing
 * of the test bucket (the interpreter has no ItemReader; the script hands each child what the ItemReader and
 * ItemBatcher would), every chunk and the commit calling the real handlers through a local Lambda Invoke endpoint.
 */
class StateMachineTest {
    private static final Path ASL = Path.of("src/test/asl");
    private static final String PREFIX = "staging/run-42/";
    private static final S3TestServer SERVER = S3TestServer.shared();
    private static ExecutorService uploader;
    private static LambdaEndpoint lambda;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        uploader = Executors.newCachedThreadPool();
        S3ClientFactory clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env());
        TransferService transfers = new TransferService(
                new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20), 65536, clients, Json.MAPPER, uploader);
        lambda = new LambdaEndpoint(Map.of(
                "transfer", TransferHandler.over(transfers),
                "commit", CommitHandler.over(new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients)))));
    }

    @AfterAll
    static void stop() {
        lambda.close();
        uploader.shutdownNow();
    }

    @Test
    void aStagingPrefixLandsAsOneCommittedBatchWithEveryRowOnce() throws Exception {
        String bucket = bucket("sm");
        String staging = bucket("smst");
        try (S3Client s3 = SERVER.client()) {
            Batches.stage(s3, staging, PREFIX, 7, 300);
        }
        ObjectNode input = Batches.input(SERVER, bucket, staging, PREFIX, "run42");
        JsonNode run = run(input, staging);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        // FilesPerChunk 3: chunks of objects 0-2, 3-5 and 6, then the commit.
        assertThat(run.get("calls"))
                .extracting(JsonNode::asText)
                .containsExactly("transfer", "transfer", "transfer", "commit");
        JsonNode output = run.get("output");
        assertThat(output.get("status").asText()).isEqualTo("committed");
        assertThat(output.get("rows").asLong()).isEqualTo(2100);
        assertThat(output.get("manifest").asText()).isEqualTo("exports/orders/_batches/20250925132233_run42.json");

        try (S3Client s3 = SERVER.client()) {
            JsonNode manifest = Json.read(s3.getObjectAsBytes(
                            r -> r.bucket(bucket).key(output.get("manifest").asText()))
                    .asUtf8String());
            List<String> listed = new ArrayList<>();
            manifest.get("files").forEach(f -> listed.add(f.get("key").asText()));
            assertThat(listed)
                    .containsExactly(
                            "exports/orders/dt=2025-09-25/20250925132233_run42_0.parquet",
                            "exports/orders/dt=2025-09-25/20250925132233_run42_3000.parquet",
                            "exports/orders/dt=2025-09-25/20250925132233_run42_6000.parquet");
            List<String> dataKeys =
                    s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix("exports/orders/dt=")).contents().stream()
                            .map(S3Object::key)
                            .toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(dataKeys);
            // Every row exactly once.
            List<String> files = new ArrayList<>();
            for (String key : listed) {
                files.add("'" + Parquet.download(s3, bucket, key) + "'");
            }
            List<Map<String, Object>> counts =
                    Parquet.query("SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, "
                            + "max(id) AS hi FROM read_parquet([" + String.join(", ", files) + "])");
            assertThat(counts.get(0))
                    .containsEntry("n", 2100L)
                    .containsEntry("ids", 2100L)
                    .containsEntry("lo", 0L)
                    .containsEntry("hi", 2099L);

            // The same execution again writes the same keys and the same batch manifest.
            byte[] before = s3.getObjectAsBytes(
                            r -> r.bucket(bucket).key(output.get("manifest").asText()))
                    .asByteArray();
            assertThat(run(input, staging).get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(s3.getObjectAsBytes(r ->
                                    r.bucket(bucket).key(output.get("manifest").asText()))
                            .asByteArray())
                    .isEqualTo(before);
            assertThat(s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix("exports/orders/dt=")).contents().stream()
                            .map(S3Object::key)
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(dataKeys);
        }
    }

    @Test
    void aPrefixOfParquetUnloadsAndOneOfArrowCachesEachLandAsOneCommittedBatch() throws Exception {
        String bucket = bucket("smp");
        String staging = bucket("smpst");
        String arrowPrefix = "staging/run-44/";
        Path cache = dir.resolve("arrow");
        Files.createDirectories(cache);
        Process node = new ProcessBuilder("node", "write-arrow.mjs", cache.toString())
                .directory(ASL.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("arrow.log").toFile())
                .start();
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue())
                .as(Files.readString(dir.resolve("arrow.log")))
                .isZero();
        try (S3Client s3 = SERVER.client()) {
            for (int f = 0; f < 5; f++) {
                Path file = dir.resolve("part-" + f + ".parquet");
                Parquet.execute(
                        "COPY (SELECT range + " + (f * 400) + " AS id, 'note ' || range AS note, range AS extra "
                                + "FROM range(400)) TO '" + file + "' (FORMAT PARQUET)");
                String key = PREFIX + String.format("part-%04d.parquet", f);
                s3.putObject(r -> r.bucket(staging).key(key), RequestBody.fromFile(file));
            }
            for (int f = 0; f < 2; f++) {
                String key = arrowPrefix + "cache-" + f + ".arrows";
                s3.putObject(r -> r.bucket(staging).key(key), RequestBody.fromFile(cache.resolve("cache.arrows")));
            }
        }
        ObjectNode input = Batches.input(SERVER, bucket, staging, PREFIX, "run44");
        ((ObjectNode) input.get("source")).put("format", "parquet");
        JsonNode run = run(input, staging);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("output").get("rows").asLong()).isEqualTo(2000);

        ObjectNode arrows = Batches.input(SERVER, bucket, staging, arrowPrefix, "run45");
        ((ObjectNode) arrows.get("source")).put("format", "arrow").put("missing_columns", "null");
        JsonNode arrowRun = run(arrows, staging);
        assertThat(arrowRun.get("status").asText()).as(arrowRun.toString()).isEqualTo("SUCCEEDED");
        assertThat(arrowRun.get("output").get("rows").asLong()).isEqualTo(6000);
        try (S3Client s3 = SERVER.client()) {
            List<String> files = new ArrayList<>();
            for (String manifest : List.of(
                    run.get("output").get("manifest").asText(),
                    arrowRun.get("output").get("manifest").asText())) {
                JsonNode m = Json.read(
                        s3.getObjectAsBytes(r -> r.bucket(bucket).key(manifest)).asUtf8String());
                for (JsonNode f : m.get("files")) {
                    files.add("'" + Parquet.download(s3, bucket, f.get("key").asText()) + "'");
                }
            }
            assertThat(Parquet.query("SELECT count(*) AS n, count(DISTINCT pontoon__batch_id) AS batches FROM "
                                    + "read_parquet([" + String.join(", ", files) + "])")
                            .get(0))
                    .containsEntry("n", 8000L)
                    .containsEntry("batches", 2L);
        }
    }

    @Test
    void aFailingChunkCommitsNothingAndTheRunNamesTheMissingSources() throws Exception {
        String bucket = bucket("smf");
        String staging = bucket("smfst");
        try (S3Client s3 = SERVER.client()) {
            Batches.stage(s3, staging, PREFIX, 5, 50);
            // Object 4 is not JSON lines: its chunk fails without retry (InvalidEventException is caught).
            s3.putObject(
                    r -> r.bucket(staging).key(PREFIX + "part-0004.jsonl"), RequestBody.fromString("{\"id\": 1,\n"));
        }
        ObjectNode input = Batches.input(SERVER, bucket, staging, PREFIX, "run43");
        JsonNode run = run(input, staging);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("chunks").get(1).get("Error").asText()).isEqualTo("TransferChunkFailed");
        // The commit still ran, found the chunk missing, and failed naming its source; nothing was committed.
        assertThat(run.get("calls")).extracting(JsonNode::asText).containsExactly("transfer", "transfer", "commit");
        assertThat(run.get("error").asText()).isEqualTo("dev.pontoon.s3dest.batch.BatchIncompleteException");
        assertThat(run.get("cause").asText())
                .contains(
                        "batch run43 of model orders is incomplete: 2 of 5 staged objects",
                        "s3://" + staging + "/" + PREFIX + "part-0003.jsonl, s3://" + staging + "/" + PREFIX
                                + "part-0004.jsonl");
        try (S3Client s3 = SERVER.client()) {
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket).prefix("exports/orders/_batches/"))
                            .contents())
                    .isEmpty();
        }
    }

    /** Runs the template's state machine on {@code input} with FilesPerChunk 3; the script's JSON report. */
    private JsonNode run(ObjectNode input, String staging) throws Exception {
        Path definition = dir.resolve("definition.json");
        Files.writeString(
                definition,
                Json.MAPPER.writeValueAsString(definition(Map.of("FilesPerChunk", 3, "ChunkConcurrency", 4))));
        Path inputFile = dir.resolve("input.json");
        Files.writeString(inputFile, input.toString());
        Path listing = dir.resolve("listing.json");
        Files.writeString(
                listing,
                Json.MAPPER.writeValueAsString(
                        listing(staging, input.get("source").get("prefix").asText())));
        Path out = dir.resolve("out.json");
        Path err = dir.resolve("err.txt");
        Process node = new ProcessBuilder(
                        "node",
                        ASL.resolve("run-batch.mjs").toString(),
                        definition.toString(),
                        inputFile.toString(),
                        listing.toString(),
                        lambda.endpoint().toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(node.waitFor(180, TimeUnit.SECONDS))
                .as("the ASL run finishes")
                .isTrue();
        assertThat(node.exitValue()).as(Files.readString(err)).isZero();
        JsonNode report = Json.read(Files.readString(out));
        assertThat(report.get("status").asText())
                .as("asl-validator: " + report.path("errors").asText())
                .isNotEqualTo("INVALID");
        return report;
    }

    /** What the ItemReader (s3:listObjectsV2) hands the map: the objects under the prefix, in S3's order. */
    private static List<Map<String, Object>> listing(String bucket, String prefix) {
        List<Map<String, Object>> items = new ArrayList<>();
        try (S3Client s3 = SERVER.client()) {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))
                    .contents()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("Etag", o.eTag());
                item.put("Key", o.key());
                item.put("LastModified", o.lastModified().toString());
                item.put("Size", o.size());
                item.put("StorageClass", o.storageClassAsString());
                items.add(item);
            }
        }
        return items;
    }

    /** The template's state machine definition, its CloudFormation references replaced by values. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> definition(Map<String, Object> parameters) throws Exception {
        try (Reader in = Files.newBufferedReader(Path.of("template.yaml"))) {
            Map<String, Object> template = new Yaml(new TemplateTest.CloudFormationConstructor()).load(in);
            Map<String, Object> machine = (Map<String, Object>) ((Map<String, Object>)
                            ((Map<String, Object>) template.get("Resources")).get("TransferStateMachine"))
                    .get("Properties");
            return (Map<String, Object>) resolve(machine.get("Definition"), parameters);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object resolve(Object node, Map<String, Object> parameters) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.containsKey("Ref")) {
                String ref = (String) map.get("Ref");
                if (ref.endsWith(".Alias")) {
                    return "arn:aws:lambda:us-east-1:123456789012:function:" + ref.substring(0, ref.indexOf('.'))
                            + ":live";
                }
                assertThat(parameters).as("a value for parameter " + ref).containsKey(ref);
                return parameters.get(ref);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, resolve(v, parameters)));
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(v -> resolve(v, parameters)).toList();
        }
        return node;
    }

    private static String bucket(String prefix) {
        String bucket = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        SERVER.createBucket(bucket);
        return bucket;
    }
}
