package dev.pontoon.s3dest.parquet;

import java.util.Arrays;
import org.apache.parquet.io.api.Binary;

/**
 * The values of up to {@link #size()} rows, column by column: one array per column and slot, so a decoder filling its
 * {@link Row}s writes each column's values side by side and the encoder reads them as it encodes, column after column,
 * without a copy between the two. Which slot a column uses is {@link Row}'s class comment. Bytes set by
 * {@link Row#setBytes} go to one area shared by the batch's rows, one row after another.
 *
 * <p>The rows are filled in order, from row 0 (as a decoder fills its batch): {@link Row#clearBytes} on row 0 starts
 * the byte area over, on a later row it drops only that row's bytes (a row decoded again).
 */
public final class RowBatch {
    final long[][] longs;
    final double[][] doubles;
    final Binary[][] binaries;
    final boolean[][] present;
    final int[][] starts;
    final int[][] lengths;
    /** The byte area: {@code [0, used)} holds the values set by {@link Row#setBytes}. */
    byte[] bytes;

    private int used;
    /** Where each row's bytes begin, as of its last {@link Row#clearBytes}. */
    private final int[] rowStarts;
    /** The row whose bytes were cleared last: clearing it again drops what it set since. */
    private int cleared = -1;

    private final Row[] rows;
    private final int initialBytes;

    /** The byte area starts at this many bytes a row (at least 512 in all) and grows by doubling. */
    private static final int INITIAL_BYTES_PER_ROW = 64;
    /**
     * An area grown past this many bytes a row (a batch of unusually long values) is dropped when the batch is
     * filled again, rather than kept for every batch after it...
     */
    private static final int KEPT_BYTES_PER_ROW = 16 * 1024;
    /** ... unless it is within 1 MiB, the area a lone row kept before rows came in batches. */
    private static final int KEPT_BYTES_MIN = 1 << 20;

    public RowBatch(int columns, int size) {
        longs = new long[columns][size];
        doubles = new double[columns][size];
        binaries = new Binary[columns][size];
        present = new boolean[columns][size];
        starts = new int[columns][size];
        lengths = new int[columns][size];
        rowStarts = new int[size];
        initialBytes = Math.max(512, INITIAL_BYTES_PER_ROW * size);
        bytes = new byte[initialBytes];
        rows = new Row[size];
        for (int i = 0; i < size; i++) {
            rows[i] = new Row(this, i);
        }
    }

    /** The batch's rows, row {@code i} at index {@code i}. */
    public Row[] rows() {
        return rows;
    }

    public int size() {
        return rows.length;
    }

    /** Empties the byte area, before the batch is filled again (a source need not clear its rows' bytes). */
    public void startOver() {
        if (bytes.length > Math.max(KEPT_BYTES_MIN, (long) KEPT_BYTES_PER_ROW * rows.length)) {
            bytes = new byte[initialBytes];
        }
        used = 0;
        cleared = -1;
    }

    void clearBytes(int row) {
        if (row == 0) {
            startOver();
        } else if (row == cleared) {
            used = rowStarts[row];
        }
        rowStarts[row] = used;
        cleared = row;
    }

    void setBytes(int row, int column, byte[] src, int from, int length) {
        if (bytes.length - used < length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
        }
        System.arraycopy(src, from, bytes, used, length);
        starts[column][row] = used;
        lengths[column][row] = length;
        used += length;
        binaries[column][row] = null;
        present[column][row] = true;
    }

    /**
     * Whether {@code rows[from, to)} are rows {@code first, first + 1, ...} of one batch, in order: the encoder then
     * reads each column's values straight from the batch's arrays.
     */
    static boolean consecutive(Row[] rows, int from, int to) {
        RowBatch batch = rows[from].batch;
        int first = rows[from].index;
        for (int r = from + 1; r < to; r++) {
            if (rows[r].batch != batch || rows[r].index != first + (r - from)) {
                return false;
            }
        }
        return true;
    }
}
