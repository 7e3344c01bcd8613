package dev.pontoon.s3dest.s3;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The Hive-style object layout of SPEC §2, as pure functions:
 * {@code <prefix>/<model>/dt=<yyyy-MM-dd>/<yyyyMMddHHmmss>_<batch_id>_<file_index>.parquet}.
 * Dates and timestamps are of the transfer's start instant in UTC, never of the wall clock. The rules for the names
 * that go into a key (bucket, prefix, model, batch id) are checked where the event enters ({@code event.Names}).
 */
public final class ObjectKeys {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private ObjectKeys() {}

    /** {@code <prefix>/<model>/dt=<date>/<stamp>_<batchId>_<fileIndex>.parquet}, no leading slash without a prefix. */
    public static String dataKey(String prefix, String model, Instant startedAt, String batchId, int fileIndex) {
        return batchKeyPrefix(prefix, model, startedAt, batchId) + fileIndex + ".parquet";
    }

    /**
     * What every data key of one batch starts with, {@code <prefix>/<model>/dt=<date>/<stamp>_<batchId>_}: the
     * listing prefix under which a redelivered event finds the uploads a dead sandbox left open.
     */
    public static String batchKeyPrefix(String prefix, String model, Instant startedAt, String batchId) {
        return modelPath(prefix, model) + partition(startedAt) + "/" + STAMP.format(startedAt) + "_" + batchId + "_";
    }

    /** {@code dt=<yyyy-MM-dd>}, the partition of the transfer's start instant in UTC. */
    public static String partition(Instant startedAt) {
        return "dt=" + DATE.format(startedAt);
    }

    /** The partition folder ({@code dt=…}) of a data key under {@code modelPath}. */
    public static String partitionOf(String modelPath, String dataKey) {
        if (!dataKey.startsWith(modelPath)) {
            throw new IllegalArgumentException(dataKey + " is not under " + modelPath);
        }
        String rest = dataKey.substring(modelPath.length());
        return rest.substring(0, rest.indexOf('/'));
    }

    /** The file index of a data key ({@code …_<batch_id>_<file_index>.parquet}). */
    public static int fileIndex(String dataKey) {
        int end = dataKey.length() - ".parquet".length();
        return Integer.parseInt(dataKey.substring(dataKey.lastIndexOf('_', end) + 1, end));
    }

    /** {@code <prefix>/<model>/}, the folder every key of a model lives under. */
    public static String modelPath(String prefix, String model) {
        return (prefix.isEmpty() ? "" : prefix + "/") + model + "/";
    }

    /** {@code yyyyMMddHHmmss} of the instant in UTC. */
    public static String transferTimestamp(Instant startedAt) {
        return STAMP.format(startedAt);
    }
}
