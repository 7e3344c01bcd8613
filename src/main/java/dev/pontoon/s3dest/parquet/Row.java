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
 * A decoder that reads bytes can instead copy a value into the row's byte area ({@link #setBytes}): no object
 * per value, and nothing for the garbage collector to trace from these long-lived rows to young objects.
 *
 * <p>The values live in a {@link RowBatch}, column by column; a row is a position in it. {@code new Row(columns)} is
 * a batch of one.
 */
public final class Row {
    /** Where the values are: column {@code c}'s slot {@code x} is {@code batch.x[c][index]}. */
    final RowBatch batch;

    final int index;

    /** A row of its own (a batch of one). */
    public Row(int columns) {
        this(new RowBatch(columns, 1), 0);
    }

    Row(RowBatch batch, int index) {
        this.batch = batch;
        this.index = index;
    }

    /** Empties the byte area for a new row's values (the previous row's have been written). */
    public void clearBytes() {
        batch.clearBytes(index);
    }

    /** Copies {@code src[from, from + length)} into the row's byte area as the column's value. */
    public void setBytes(int column, byte[] src, int from, int length) {
        batch.setBytes(index, column, src, from, length);
    }

    /** The value of a binary-slot column, valid until the row is decoded again. */
    Binary binary(int column) {
        Binary b = batch.binaries[column][index];
        return b != null
                ? b
                : Binary.fromReusedByteArray(batch.bytes, batch.starts[column][index], batch.lengths[column][index]);
    }

    boolean present(int column) {
        return batch.present[column][index];
    }

    public void setNull(int column) {
        batch.present[column][index] = false;
        batch.binaries[column][index] = null;
    }

    /** A long-slot column's value (see the class comment for which columns use the slot). */
    public long longValue(int column) {
        return batch.longs[column][index];
    }

    double doubleValue(int column) {
        return batch.doubles[column][index];
    }

    public void setLong(int column, long value) {
        batch.longs[column][index] = value;
        batch.present[column][index] = true;
    }

    public void setDouble(int column, double value) {
        batch.doubles[column][index] = value;
        batch.present[column][index] = true;
    }

    public void setBinary(int column, Binary value) {
        batch.binaries[column][index] = value;
        batch.present[column][index] = true;
    }
}
