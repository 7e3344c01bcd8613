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

    /** S3's limit on a key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    /**
     * Refuses, before any request, a prefix, model and batch id whose longest key (a data key with a ten-digit file
     * index; manifests are shorter) would exceed S3's 1,024 bytes: S3 would refuse it late, as a retryable-looking
     * error, after other files were written.
     */
    public static void checkLength(String prefix, String model, Instant startedAt, String batchId) {
        int bytes = dataKey(prefix, model, startedAt, batchId, Integer.MAX_VALUE)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length;
        if (bytes > MAX_KEY_BYTES) {
            throw new dev.pontoon.s3dest.event.InvalidEventException("destination.s3_prefix/model.name: the object"
                    + " keys would be up to " + bytes + " bytes of UTF-8, above S3's limit of " + MAX_KEY_BYTES
                    + "; shorten the prefix or the model name");
        }
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
