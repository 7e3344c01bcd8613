package dev.pontoon.s3dest.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.ColumnStats;
import dev.pontoon.s3dest.event.FileResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * How manifests are serialized (pretty-printed, in insertion order, so equal content is equal bytes) and written
 * (with the destination's object settings).
 */
public final class Manifests {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private Manifests() {}

    /**
     * A file entry of a chunk manifest read back; its column statistics only when asked (an Iceberg commit needs
     * them; they are about 150 bytes per column and file in memory).
     */
    static FileResult readFile(JsonNode f, boolean withStats) {
        List<ColumnStats> columns = new ArrayList<>();
        for (JsonNode c :
                withStats ? f.path("column_stats") : com.fasterxml.jackson.databind.node.MissingNode.getInstance()) {
            columns.add(new ColumnStats(
                    c.path("values").asLong(),
                    c.path("nulls").asLong(),
                    c.path("bytes").asLong(),
                    c.has("min") ? Base64.getDecoder().decode(c.get("min").asText()) : null,
                    c.has("max") ? Base64.getDecoder().decode(c.get("max").asText()) : null));
        }
        return new FileResult(
                f.path("key").asText(), f.path("rows").asLong(), f.path("bytes").asLong(), columns);
    }

    /**
     * {@code "files": [{"key", "rows", "bytes"}…]}, then their totals as {@code "rows"} and {@code "bytes"}. With
     * {@code stats}, each file also lists its footer's {@code "column_stats"} (in the file's column order): what an
     * Iceberg commit, in another invocation, records for the file.
     */
    static void putFiles(
            ObjectNode manifest, java.util.List<dev.pontoon.s3dest.event.FileResult> files, boolean stats) {
        long rows = 0;
        long bytes = 0;
        var array = manifest.putArray("files");
        for (var f : files) {
            ObjectNode file =
                    array.addObject().put("key", f.key()).put("rows", f.rows()).put("bytes", f.bytes());
            if (stats) {
                var columns = file.putArray("column_stats");
                for (ColumnStats c : f.columns()) {
                    ObjectNode o = columns.addObject()
                            .put("values", c.values())
                            .put("nulls", c.nulls())
                            .put("bytes", c.bytes());
                    if (c.min() != null) {
                        o.put("min", BASE64.encodeToString(c.min())).put("max", BASE64.encodeToString(c.max()));
                    }
                }
            }
            rows += f.rows();
            bytes += f.bytes();
        }
        manifest.put("rows", rows);
        manifest.put("bytes", bytes);
    }

    static byte[] bytes(ObjectMapper mapper, ObjectNode manifest) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PUTs a manifest with the destination's object settings; {@code what} names it in a failure. */
    public static void put(
            software.amazon.awssdk.services.s3.S3Client s3,
            dev.pontoon.s3dest.event.DestinationConfig destination,
            String key,
            byte[] body,
            String what) {
        dev.pontoon.s3dest.s3.ObjectTarget target = new dev.pontoon.s3dest.s3.ObjectTarget(
                destination.bucket(), key, dev.pontoon.s3dest.s3.ObjectTarget.JSON, destination.objects());
        try {
            s3.putObject(r -> target.applyTo(r), software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
        } catch (RuntimeException e) {
            throw dev.pontoon.s3dest.s3.S3Errors.map(e, "PutObject (" + what + ")", destination.bucket(), key);
        }
    }
}
