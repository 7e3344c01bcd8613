package dev.pontoon.s3dest.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.TransferEvent;
import dev.pontoon.s3dest.s3.ObjectKeys;
import java.util.List;
import org.apache.parquet.schema.MessageType;

/**
 * The completion manifest of one invocation: written after every data file is complete, so its presence says the
 * chunk is whole. Its key sits under {@code _manifests/}, which Hive, Athena and Spark skip as data. Its content
 * is a pure function of the event and the rows, so a redelivered event rewrites the same bytes.
 */
final class Manifest {
    private Manifest() {
    }

    /** {@code <prefix>/<model>/_manifests/<transfer_timestamp>_<batch_id>_<file_index_start>.json} */
    static String key(TransferEvent event) {
        return ObjectKeys.modelPath(event.destination().prefix(), event.model().name()) + "_manifests/"
                + ObjectKeys.transferTimestamp(event.transferStartedAt()) + "_" + event.batchId() + "_"
                + event.fileIndexStart() + ".json";
    }

    static byte[] content(ObjectMapper mapper, TransferEvent event, List<ColumnSpec> columns, MessageType schema,
            List<FileResult> files, int nextFileIndex) {
        ObjectNode m = mapper.createObjectNode();
        m.put("format_version", 1);
        m.put("status", "complete");
        m.put("model", event.model().name());
        m.put("transfer_id", event.transferId());
        m.put("batch_id", event.batchId());
        m.put("transfer_started_at", event.transferStartedAt().toString());
        m.put("file_index_start", event.fileIndexStart());
        m.put("next_file_index", nextFileIndex);
        long rows = 0;
        long bytes = 0;
        ArrayNode fileArray = m.putArray("files");
        for (FileResult f : files) {
            fileArray.addObject().put("key", f.key()).put("rows", f.rows()).put("bytes", f.bytes());
            rows += f.rows();
            bytes += f.bytes();
        }
        m.put("rows", rows);
        m.put("bytes", bytes);
        ArrayNode cols = m.putArray("columns");
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            cols.addObject().put("name", c.name()).put("type", c.type().toString()).put("nullable", c.nullable())
                    .put("parquet", schema.getType(i).toString());
        }
        m.put("parquet_schema", schema.toString());
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
