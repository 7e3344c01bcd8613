package dev.pontoon.s3dest.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;

/**
 * FLOAT and DOUBLE: values as doubles, the dictionary keyed by their bits; bounds by parquet-java's own
 * statistics, value by value, so NaN and signed zeros are treated exactly as it treats them.
 */
final class DoubleChunk extends FixedWidthChunk {
    private double[] page = new double[ColumnarFileWriter.INITIAL_VALUES];

    DoubleChunk(ColumnDescriptor d, Limits limits, int width) {
        super(d, limits, width);
    }

    private long bits(double v) {
        return width == 4 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v);
    }

    @Override
    void add(RowBatch batch, int row, int column) {
        growRows();
        present[rows++] = true;
        double value = batch.doubles[column][row];
        double v = width == 4 ? (float) value : value;
        if (values == page.length) {
            page = Arrays.copyOf(page, values * 2);
        }
        if (dictionaryOn) {
            putId(dictionary.idOf(bits(v)));
        }
        page[values++] = v;
        endValue();
    }

    @Override
    void writePlainValues() {
        for (int v = 0; v < values; v++) {
            writeBits(encoded, bits(page[v]));
        }
    }

    @Override
    Statistics<?> pageStatistics(int nulls) {
        Statistics<?> s = Statistics.createStats(type);
        s.incrementNumNulls(nulls);
        for (int v = 0; v < values; v++) {
            if (width == 4) {
                s.updateStats((float) page[v]);
            } else {
                s.updateStats(page[v]);
            }
        }
        return s;
    }
}
