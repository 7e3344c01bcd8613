package dev.pontoon.s3dest.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.s3.ObjectKeys;
import java.time.Instant;
import java.util.List;

/**
 * Where a committed batch's manifest lives: {@code <prefix>/<model>/_batches/<transfer_timestamp>_<batch_id>.json}.
 * A reader that must see only whole batches lists {@code _batches/} and reads exactly the keys a manifest names.
 */
public final class BatchManifest {
    private BatchManifest() {}

    public static String key(String prefix, String model, Instant startedAt, String batchId) {
        return ObjectKeys.modelPath(prefix, model) + "_batches/" + ObjectKeys.transferTimestamp(startedAt) + "_"
                + batchId + ".json";
    }

    /**
     * The manifest's body: the batch, its files by file index, its partitions, the files' columns and how many
     * staged objects it covers. A pure function of the batch, so a commit again writes the same bytes.
     */
    static ObjectNode content(
            ObjectMapper mapper,
            BatchCommitter.Batch batch,
            List<FileResult> files,
            List<String> partitions,
            int sources) {
        ObjectNode m = mapper.createObjectNode();
        m.put("format_version", 1);
        m.put("status", "complete");
        m.put("model", batch.model());
        m.put("transfer_id", batch.transferId());
        m.put("batch_id", batch.batchId());
        m.put("transfer_started_at", batch.startedAt().toString());
        Manifests.putFiles(m, files, false);
        ArrayNode partitionArray = m.putArray("partitions");
        partitions.forEach(partitionArray::add);
        m.set("columns", ChunkManifest.columns(mapper, batch.fileColumns(), batch.schema()));
        m.put("sources", sources);
        return m;
    }
}
