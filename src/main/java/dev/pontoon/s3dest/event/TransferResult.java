package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The transfer function's output (SPEC §4); its field names are a contract with state machines. */
@JsonPropertyOrder({
    "status",
    "model",
    "batch_id",
    "rows",
    "bytes",
    "files",
    "next_file_index",
    "duration_ms",
    "batch_manifest"
})
public record TransferResult(
        @JsonProperty("status") String status,
        @JsonProperty("model") String model,
        @JsonProperty("batch_id") String batchId,
        @JsonProperty("rows") long rows,
        @JsonProperty("bytes") long bytes,
        @JsonProperty("files") List<FileResult> files,
        @JsonProperty("next_file_index") int nextFileIndex,
        @JsonProperty("duration_ms") long durationMs,

        @JsonProperty("batch_manifest") @JsonInclude(JsonInclude.Include.NON_NULL)
        String batchManifest) {

    public static TransferResult ok(
            String model, String batchId, List<FileResult> files, int nextFileIndex, long durationMs) {
        long rows = 0;
        long bytes = 0;
        for (FileResult f : files) {
            rows += f.rows();
            bytes += f.bytes();
        }
        return new TransferResult(
                "ok", model, batchId, rows, bytes, List.copyOf(files), nextFileIndex, durationMs, null);
    }

    /** The same result, naming the batch manifest a {@code "commit": true} event wrote (null: none). */
    public TransferResult withBatchManifest(String key) {
        return new TransferResult(status, model, batchId, rows, bytes, files, nextFileIndex, durationMs, key);
    }
}
