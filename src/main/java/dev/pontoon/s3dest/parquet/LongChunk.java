package dev.pontoon.s3dest.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;

/** INT32 and INT64: values as longs, signed bounds kept in the loop. */
final class LongChunk extends FixedWidthChunk {
    private long[] page = new long[ColumnarFileWriter.INITIAL_VALUES];
    private long min;
    private long max;

    LongChunk(ColumnDescriptor d, Limits limits, int width) {
        super(d, limits, width);
    }

    @Override
    void add(RowBatch batch, int row, int column) {
        add(batch.longs[column][row]);
    }

    void add(long value) {
        growRows();
        present[rows++] = true;
        long v = width == 4 ? (int) value : value;
        if (values == page.length) {
            page = Arrays.copyOf(page, values * 2);
        }
        if (values > 0 && v == page[values - 1]) {
            // the previous value again (a column set once for every row, a run): its id, already bounded
            if (dictionaryOn) {
                putId(ids[values - 1]);
            }
        } else {
            if (values == 0) {
                min = v;
                max = v;
            } else if (v < min) {
                min = v;
            } else if (v > max) {
                max = v;
            }
            if (dictionaryOn) {
                putId(dictionary.idOf(v));
            }
        }
        page[values++] = v;
        endValue();
    }

    @Override
    void writePlainValues() {
        for (int v = 0; v < values; v++) {
            writeBits(encoded, page[v]);
        }
    }

    @Override
    Statistics<?> pageStatistics(int nulls) {
        Statistics<?> s = Statistics.createStats(type);
        s.incrementNumNulls(nulls);
        if (values > 0) {
            if (width == 4) {
                s.updateStats((int) min);
                s.updateStats((int) max);
            } else {
                s.updateStats(min);
                s.updateStats(max);
            }
        }
        return s;
    }
}
