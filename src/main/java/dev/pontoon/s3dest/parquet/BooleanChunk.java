package dev.pontoon.s3dest.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;

/** BOOLEAN: plain, bit-packed (no dictionary, as parquet-java). */
final class BooleanChunk extends Chunk {
    private boolean[] page = new boolean[ColumnarFileWriter.INITIAL_VALUES];
    private boolean sawFalse;
    private boolean sawTrue;

    BooleanChunk(ColumnDescriptor d, Limits limits) {
        super(d, limits, false);
    }

    @Override
    void add(RowBatch batch, int row, int column) {
        growRows();
        present[rows++] = true;
        if (values == page.length) {
            page = Arrays.copyOf(page, values * 2);
        }
        boolean v = batch.longs[column][row] != 0;
        page[values++] = v;
        if (v) {
            sawTrue = true;
        } else {
            sawFalse = true;
        }
        endValue();
    }

    @Override
    long plainBytes() {
        return (values + 7) / 8;
    }

    @Override
    long dictionaryBytes() {
        return 0;
    }

    @Override
    int dictionarySize() {
        return 0;
    }

    @Override
    byte[] dictionaryPage() {
        throw new IllegalStateException("booleans have no dictionary");
    }

    @Override
    void writePlainValues() {
        int b = 0;
        int bit = 0;
        for (int v = 0; v < values; v++) {
            if (page[v]) {
                b |= 1 << bit;
            }
            if (++bit == 8) {
                encoded.writeByte(b);
                b = 0;
                bit = 0;
            }
        }
        if (bit > 0) {
            encoded.writeByte(b);
        }
    }

    @Override
    Statistics<?> pageStatistics(int nulls) {
        Statistics<?> s = Statistics.createStats(type);
        s.incrementNumNulls(nulls);
        if (sawFalse) {
            s.updateStats(false);
        }
        if (sawTrue) {
            s.updateStats(true);
        }
        return s;
    }

    @Override
    void resetPage() {
        sawFalse = false;
        sawTrue = false;
    }

    @Override
    void resetDictionary() {}
}
