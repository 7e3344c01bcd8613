package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

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
    "batch_manifest",
    "unmatched_fields",
    "unmatched_fields_truncated"
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
        String batchManifest,

        /** Source fields that matched no declared column, per name (SPEC §4); left out when there were none. */
        @JsonProperty("unmatched_fields") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        Map<String, Long> unmatchedFields,

        /** More names matched no column than {@code unmatched_fields} lists (it keeps the first 100 by name). */
        @JsonProperty("unmatched_fields_truncated") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        boolean unmatchedFieldsTruncated) {

    /**
     * @param batchManifest the batch manifest a {@code "commit": true} event wrote; null: none
     * @param unmatchedFields source fields that matched no declared column, per name
     * @param unmatchedFieldsTruncated more names matched no column than {@code unmatchedFields} lists
     */
    public static TransferResult ok(
            String model,
            String batchId,
            List<FileResult> files,
            int nextFileIndex,
            long durationMs,
            String batchManifest,
            Map<String, Long> unmatchedFields,
            boolean unmatchedFieldsTruncated) {
        long rows = 0;
        long bytes = 0;
        for (FileResult f : files) {
            rows += f.rows();
            bytes += f.bytes();
        }
        return new TransferResult(
                "ok",
                model,
                batchId,
                rows,
                bytes,
                List.copyOf(files),
                nextFileIndex,
                durationMs,
                batchManifest,
                new java.util.TreeMap<>(unmatchedFields),
                unmatchedFieldsTruncated);
    }
}
