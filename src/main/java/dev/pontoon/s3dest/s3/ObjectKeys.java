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
        return modelPath(prefix, model) + "dt=" + DATE.format(startedAt) + "/" + STAMP.format(startedAt) + "_" + batchId
                + "_" + fileIndex + ".parquet";
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
