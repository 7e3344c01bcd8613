package dev.pontoon.s3dest.parquet;

import org.apache.parquet.io.api.Binary;

/**
 * One row of typed column values, reused from row to row so the per-value path allocates nothing but the
 * values themselves. Which slot a column uses follows its type:
 * <ul>
 *   <li>{@code longs}: boolean (0/1), int, bigint, date (days), time and timestamps (micros), decimal with
 *       precision ≤ 18 (unscaled value)</li>
 *   <li>{@code doubles}: float, double</li>
 *   <li>{@code binaries}: string, json, binary, decimal with precision &gt; 18 (big-endian two's complement, fixed width)</li>
 * </ul>
 * A decoder that reads bytes can instead copy a value into the row's own byte area ({@link #setBytes}): no object
 * per value, and nothing for the garbage collector to trace from these long-lived rows to young objects. The
 * writer hands such a value on as a reused-buffer {@code Binary}, which parquet-java copies wherever it keeps one.
 */
public final class Row {
    final long[] longs;
    final double[] doubles;
    final Binary[] binaries;
    final boolean[] present;
    private final int[] starts;
    private final int[] lengths;
    private byte[] bytes = new byte[INITIAL_BYTES];
    private int used;

    private static final int INITIAL_BYTES = 512;
    /** A byte area grown past this by one huge row is dropped at the next row rather than kept for all of them. */
    private static final int KEPT_BYTES = 1 << 20;

    public Row(int columns) {
        longs = new long[columns];
        doubles = new double[columns];
        binaries = new Binary[columns];
        present = new boolean[columns];
        starts = new int[columns];
        lengths = new int[columns];
    }

    /** Empties the byte area for a new row's values (the previous row's have been written). */
    public void clearBytes() {
        used = 0;
        if (bytes.length > KEPT_BYTES) {
            bytes = new byte[INITIAL_BYTES];
        }
    }

    /** Copies {@code src[from, from + length)} into the row's byte area as the column's value. */
    public void setBytes(int column, byte[] src, int from, int length) {
        if (bytes.length - used < length) {
            bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
        }
        System.arraycopy(src, from, bytes, used, length);
        starts[column] = used;
        lengths[column] = length;
        used += length;
        binaries[column] = null;
        present[column] = true;
    }

    /** The value of a binary-slot column, valid until the row is decoded again. */
    Binary binary(int column) {
        Binary b = binaries[column];
        return b != null ? b : Binary.fromReusedByteArray(bytes, starts[column], lengths[column]);
    }

    /** The byte area holding values set by {@link #setBytes}: read with {@link #start} and {@link #length}. */
    byte[] bytesArea() {
        return bytes;
    }

    int start(int column) {
        return starts[column];
    }

    int length(int column) {
        return lengths[column];
    }

    public void setNull(int column) {
        present[column] = false;
        binaries[column] = null;
    }

    /** A long-slot column's value (see the class comment for which columns use the slot). */
    public long longValue(int column) {
        return longs[column];
    }

    public void setLong(int column, long value) {
        longs[column] = value;
        present[column] = true;
    }

    public void setDouble(int column, double value) {
        doubles[column] = value;
        present[column] = true;
    }

    public void setBinary(int column, Binary value) {
        binaries[column] = value;
        present[column] = true;
    }
}
