package dev.pontoon.s3dest.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.TransferEvent;
import dev.pontoon.s3dest.s3.ObjectKeys;
import java.time.Instant;
import java.util.List;
import org.apache.parquet.schema.MessageType;

/**
 * The completion manifest of one invocation (a chunk): written after every data file is complete, so its presence
 * says the chunk is whole. Its key sits under {@code _manifests/}, which Hive, Athena and Spark skip as data. Its
 * content is a pure function of the event and the rows, so a redelivered event rewrites the same bytes.
 */
public final class ChunkManifest {
    private ChunkManifest() {}

    /** {@code <prefix>/<model>/_manifests/<transfer_timestamp>_<batch_id>_<file_index_start>.json} */
    public static String key(TransferEvent event) {
        return keyPrefix(event.destination().prefix(), event.model().name(), event.transferStartedAt(), event.batchId())
                + event.fileIndexStart() + ".json";
    }

    /** What every chunk manifest key of one batch starts with. */
    public static String keyPrefix(String prefix, String model, Instant startedAt, String batchId) {
        return ObjectKeys.modelPath(prefix, model) + "_manifests/" + ObjectKeys.transferTimestamp(startedAt) + "_"
                + batchId + "_";
    }

    /**
     * @param sources the {@code s3://} URIs the chunk read, in order; empty for inline rows
     * @param unmatched source fields that matched no declared column, per name (written only when there are any)
     * @param unmatchedTruncated more names matched no column than {@code unmatched} lists
     */
    public static byte[] content(
            ObjectMapper mapper,
            TransferEvent event,
            List<ColumnSpec> columns,
            MessageType schema,
            List<FileResult> files,
            int nextFileIndex,
            List<String> sources,
            java.util.SortedMap<String, Long> unmatched,
            boolean unmatchedTruncated) {
        ObjectNode m = mapper.createObjectNode();
        m.put("format_version", 1);
        m.put("status", "complete");
        m.put("model", event.model().name());
        m.put("transfer_id", event.transferId());
        m.put("batch_id", event.batchId());
        m.put("transfer_started_at", event.transferStartedAt().toString());
        m.put("file_index_start", event.fileIndexStart());
        m.put("next_file_index", nextFileIndex);
        Manifests.putFiles(m, files, true);
        m.set("columns", columns(mapper, columns, schema));
        m.put("parquet_schema", schema.toString());
        ArrayNode sourceArray = m.putArray("sources");
        sources.forEach(sourceArray::add);
        if (!unmatched.isEmpty()) {
            ObjectNode counts = m.putObject("unmatched_fields");
            unmatched.forEach(counts::put);
            if (unmatchedTruncated) {
                m.put("unmatched_fields_truncated", true);
            }
        }
        return Manifests.bytes(mapper, m);
    }

    /** The manifests' description of the file columns: name, declared type, nullability and the Parquet field. */
    static ArrayNode columns(ObjectMapper mapper, List<ColumnSpec> columns, MessageType schema) {
        ArrayNode cols = mapper.createArrayNode();
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            cols.addObject()
                    .put("name", c.name())
                    .put("type", c.type().toString())
                    .put("nullable", c.nullable())
                    .put("parquet", schema.getType(i).toString());
        }
        return cols;
    }

    /** A chunk manifest read back, as the commit needs it. */
    record Read(
            String key,
            String batchId,
            String transferStartedAt,
            boolean complete,
            List<FileResult> files,
            List<String> sources,
            JsonNode columns) {
        static Read of(String key, JsonNode m, boolean withStats) {
            List<FileResult> files = new java.util.ArrayList<>();
            for (JsonNode f : m.path("files")) {
                files.add(Manifests.readFile(f, withStats));
            }
            List<String> sources = new java.util.ArrayList<>();
            for (JsonNode s : m.path("sources")) {
                sources.add(s.asText());
            }
            return new Read(
                    key,
                    m.path("batch_id").asText(null),
                    m.path("transfer_started_at").asText(null),
                    "complete".equals(m.path("status").asText()),
                    files,
                    sources,
                    m.path("columns"));
        }
    }
}
