package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The commit function's output (SPEC §10). */
@JsonPropertyOrder({"status", "batch_id", "rows", "bytes", "files", "manifest", "partitions"})
public record CommitResult(
        @JsonProperty("status") String status,
        @JsonProperty("batch_id") String batchId,
        @JsonProperty("rows") long rows,
        @JsonProperty("bytes") long bytes,
        @JsonProperty("files") int files,
        @JsonProperty("manifest") String manifest,
        @JsonProperty("partitions") List<String> partitions) {

    public CommitResult {
        partitions = List.copyOf(partitions);
    }
}
