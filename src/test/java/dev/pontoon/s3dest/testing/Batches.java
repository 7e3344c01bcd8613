package dev.pontoon.s3dest.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Staged files and batch events (SPEC §10) aimed at a test server. */
public final class Batches {
    public static final String STARTED = "2025-09-25T13:22:33.123Z";
    private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

    private Batches() {}

    /** Stages {@code files} JSONL objects of {@code rowsEach} rows ({@code id} bigint, {@code note} string). */
    public static void stage(S3Client s3, String bucket, String prefix, int files, int rowsEach) {
        for (int f = 0; f < files; f++) {
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < rowsEach; r++) {
                long id = (long) f * rowsEach + r;
                sb.append("{\"id\": ")
                        .append(id)
                        .append(", \"note\": \"row ")
                        .append(id)
                        .append("\"}\n");
            }
            String key = prefix + String.format("part-%04d.jsonl", f);
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(sb.toString(), StandardCharsets.UTF_8));
        }
    }

    /** The state machine's execution input: {@code {"transfer", "source"}} for model {@code orders}. */
    public static ObjectNode input(
            S3TestServer server, String bucket, String stagingBucket, String stagingPrefix, String batchId) {
        ObjectNode input = F.objectNode();
        ObjectNode transfer = input.putObject("transfer");
        transfer.put("transfer_id", "batch-test");
        transfer.put("batch_id", batchId);
        transfer.put("transfer_started_at", STARTED);
        transfer.set("destination", Events.destination(server, bucket, "exports"));
        ObjectNode model = transfer.putObject("model");
        model.put("name", "orders");
        model.putArray("columns")
                .add(F.objectNode().put("name", "id").put("type", "bigint").put("nullable", false))
                .add(F.objectNode().put("name", "note").put("type", "string"));
        ObjectNode source = input.putObject("source");
        source.put("bucket", stagingBucket);
        source.put("prefix", stagingPrefix);
        source.put("format", "jsonl");
        return input;
    }

    /** One chunk as the Distributed Map hands it over: objects {@code first..first+count-1} of the listing. */
    public static ObjectNode chunk(ObjectNode input, String stagingPrefix, int first, int count) {
        ObjectNode chunk = F.objectNode();
        var items = chunk.putArray("Items");
        for (int i = first; i < first + count; i++) {
            items.addObject()
                    .put("key", stagingPrefix + String.format("part-%04d.jsonl", i))
                    .put("index", i);
        }
        chunk.set("BatchInput", input.deepCopy());
        return chunk;
    }
}
