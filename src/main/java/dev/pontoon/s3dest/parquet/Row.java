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
 */
public final class Row {
    final long[] longs;
    final double[] doubles;
    final Binary[] binaries;
    final boolean[] present;

    public Row(int columns) {
        longs = new long[columns];
        doubles = new double[columns];
        binaries = new Binary[columns];
        present = new boolean[columns];
    }

    public void setNull(int column) {
        present[column] = false;
        binaries[column] = null;
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
