package dev.pontoon.s3dest.batch;

import dev.pontoon.s3dest.s3.ObjectKeys;
import java.time.Instant;

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
}
