package dev.pontoon.s3dest.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How manifests are serialized: pretty-printed, in insertion order, so equal content is equal bytes. */
final class Manifests {
    private Manifests() {}

    /** {@code "files": [{"key", "rows", "bytes"}…]}, then their totals as {@code "rows"} and {@code "bytes"}. */
    static void putFiles(ObjectNode manifest, java.util.List<dev.pontoon.s3dest.event.FileResult> files) {
        long rows = 0;
        long bytes = 0;
        var array = manifest.putArray("files");
        for (var f : files) {
            array.addObject().put("key", f.key()).put("rows", f.rows()).put("bytes", f.bytes());
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
}
