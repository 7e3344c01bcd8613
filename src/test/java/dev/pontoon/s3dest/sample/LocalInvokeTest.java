package dev.pontoon.s3dest.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event file in {@code events/} runs through the README's local command, as a new user would run it. */
class LocalInvokeTest {
    @TempDir
    Path dir;

    static Stream<String> events() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            return files
                    .filter(p -> p.toString().endsWith(".json"))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @Test
    void everyEventFileIsCovered() throws Exception {
        assertThat(events().toList())
                .containsExactly(
                        "connection-test.json",
                        "sqs-envelope.json",
                        "state-machine-delta.json",
                        "state-machine-iceberg.json",
                        "state-machine-input.json",
                        "transfer-inline.json",
                        "transfer-source.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void eachSampleEventRunsLocally(String name) throws Exception {
        String output = run("events/" + name, "--staged", "events/staged/orders");
        assertThat(output).doesNotContain("Error:");
        switch (name) {
            case "transfer-inline.json" ->
                assertThat(output)
                        .contains(
                                "(transfer)",
                                "s3://my-export-bucket/exports/leads/dt=2025-09-25/20250925132233_1758806553123_0.parquet",
                                "email=ada@example.com");
            case "transfer-source.json" ->
                assertThat(output)
                        .contains(
                                "(transfer)",
                                "\"rows\" : 100",
                                "Staged s3://my-staging-bucket/staging/orders/part-0000.jsonl.gz from events/staged/orders/part-0000.jsonl",
                                "exports/orders/dt=2025-09-25/20250925132233_1758806553123_0.parquet");
            case "sqs-envelope.json" -> assertThat(output).contains("(transfer)", "\"batchItemFailures\" : [ ]");
            case "state-machine-input.json" ->
                assertThat(output)
                        .contains(
                                "(state-machine)",
                                "Chunk of objects 0..1: 200 rows",
                                "\"status\" : \"committed\"",
                                "s3://my-export-bucket/exports/orders/_batches/20250925132233_1758806553123.json");
            case "state-machine-iceberg.json" ->
                assertThat(output)
                        .contains(
                                "(state-machine)",
                                "Iceberg REST catalog on http://127.0.0.1:",
                                "\"status\" : \"committed\"",
                                "Iceberg table analytics.orders at s3://my-export-bucket/exports/orders",
                                "snapshot ",
                                ": batch 1758806553123, added 1 files, 200 records",
                                "s3://my-export-bucket/exports/orders/dt=2025-09-25/20250925132233_1758806553123_0.parquet: "
                                        + "200 records",
                                "bounds of id: 0..199");
            case "state-machine-delta.json" ->
                assertThat(output)
                        .contains(
                                "(state-machine)",
                                "\"status\" : \"committed\"",
                                "Delta table s3://my-export-bucket/exports/orders/ (log in _delta_log/)",
                                "version 0: pontoon-s3-destination/batch/1758806553123, added 1 files, 200 records");
            case "connection-test.json" -> assertThat(output).contains("(connection-test)", "\"success\" : true");
            default -> throw new AssertionError("no expectation for " + name);
        }
    }

    @Test
    void aFailurePrintsTheFunctionsErrorOnceAndExitsWithOne() throws Exception {
        Path event = dir.resolve("bad-bucket.json");
        Files.writeString(
                event,
                Files.readString(Path.of("events/transfer-inline.json"))
                        .replace("\"my-export-bucket\"", "\"My_Export_Bucket\""));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = new LocalInvoke(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(new String[] {
            event.toString(), "--folder", dir.resolve("s3").toString()
        });
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(1);
        assertThat(output)
                .containsOnlyOnce("Error: ")
                .contains(
                        "{\"errorType\":\"dev.pontoon.s3dest.event.InvalidEventException\",\"errorMessage\":\"destination.s3_bucket: 'My_Export_Bucket'")
                .doesNotContain("\tat ");

        String missing = run("events/transfer-source.json", "--expect-failure");
        assertThat(missing)
                .contains("Error: {\"errorType\":\"java.lang.IllegalArgumentException\",\"errorMessage\":"
                        + "\"this event reads staged objects (source.uris): pass --staged");
    }

    @Test
    void aSourceUriThatIsNotS3GetsTheHandlersOwnError() throws Exception {
        Path event = dir.resolve("https-uri.json");
        Files.writeString(
                event,
                Files.readString(Path.of("events/transfer-source.json"))
                        .replace(
                                "s3://my-staging-bucket/staging/orders/part-0000.jsonl.gz",
                                "https://my-staging-bucket.example.com/part-0000.jsonl.gz"));
        String output = run(event.toString(), "--staged", "events/staged/orders", "--expect-failure");
        assertThat(output).contains("source.uris[0]: must be an s3://bucket/key string");
    }

    @Test
    void aConnectionTestWithItsOwnEndpointRunsAsGiven() throws Exception {
        Path event = dir.resolve("dead-endpoint.json");
        Files.writeString(
                event,
                "{\"destination\": {\"s3_bucket\": \"b\", \"s3_region\": \"us-east-1\", \"endpoint_url\": \""
                        + dev.pontoon.s3dest.testing.CannedS3.closedPort()
                        + "\", \"aws_access_key_id\": \"AKIAWRONGKEY00000000\", \"aws_secret_access_key\": \"wrong\"}}");
        String output = run(event.toString());
        assertThat(output)
                .contains("Connection test as given: the event's own endpoint_url")
                .contains("\"success\" : false")
                .doesNotContain("Connected");
        String onAws = run("events/connection-test.json");
        assertThat(onAws).contains("NOTE: the destination names no endpoint_url", "\"success\" : true");
    }

    private String run(String... args) throws Exception {
        boolean expectFailure = List.of(args).contains("--expect-failure");
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.remove("--expect-failure");
        all.add("--folder");
        all.add(dir.resolve("s3-" + System.nanoTime()).toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status =
                new LocalInvoke(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(all.toArray(String[]::new));
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).as(output).isEqualTo(expectFailure ? 1 : 0);
        return output;
    }
}
