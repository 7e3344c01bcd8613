package dev.pontoon.s3dest.parquet;

import dev.pontoon.s3dest.event.ColumnStats;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.BinaryTruncator;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * A written file's per-column statistics, summed over its row groups from the footer the writer just wrote: what a
 * table format records for each data file (SPEC §11), so the commit never reads a file back.
 */
final class FooterStats {
    /**
     * Longest bound kept for a string or binary column. Iceberg's own writers keep 16 characters; 64 bytes (parquet's
     * column-index default) leaves the catalog room to choose, and keeps a chunk manifest small whatever the values.
     */
    static final int BOUND_BYTES = 64;

    private FooterStats() {}

    static List<ColumnStats> of(ParquetMetadata footer) {
        List<PrimitiveType> columns = footer.getFileMetaData().getSchema().getColumns().stream()
                .map(c -> c.getPrimitiveType())
                .toList();
        List<ColumnStats> stats = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            stats.add(column(footer.getBlocks(), i, columns.get(i)));
        }
        return stats;
    }

    private static ColumnStats column(List<BlockMetaData> blocks, int index, PrimitiveType type) {
        long values = 0;
        long nulls = 0;
        long bytes = 0;
        boolean nullsKnown = true;
        Statistics<?> merged = null;
        for (BlockMetaData block : blocks) {
            ColumnChunkMetaData chunk = block.getColumns().get(index);
            values += chunk.getValueCount();
            bytes += chunk.getTotalSize();
            Statistics<?> s = chunk.getStatistics();
            if (s == null || !s.isNumNullsSet()) {
                nullsKnown = false;
            } else {
                nulls += s.getNumNulls();
            }
            if (s != null) {
                if (merged == null) {
                    merged = s.copy();
                } else {
                    merged.mergeStatistics(s);
                }
            }
        }
        byte[] min = null;
        byte[] max = null;
        if (merged != null && merged.hasNonNullValue() && !hasNaN(merged, type)) {
            min = merged.getMinBytes();
            max = merged.getMaxBytes();
            if (type.getPrimitiveTypeName() == PrimitiveTypeName.BINARY) {
                BinaryTruncator truncator = BinaryTruncator.getTruncator(type);
                min = bounded(truncator.truncateMin(Binary.fromConstantByteArray(min), BOUND_BYTES));
                max = bounded(truncator.truncateMax(Binary.fromConstantByteArray(max), BOUND_BYTES));
                if (min == null || max == null) {
                    min = null;
                    max = null;
                }
            }
        }
        return new ColumnStats(values, nullsKnown ? nulls : -1, bytes, min, max);
    }

    /** A bound that could not be shortened (e.g. all 0xFF bytes) is dropped rather than carried at any length. */
    private static byte[] bounded(Binary b) {
        return b.length() <= BOUND_BYTES ? b.getBytes() : null;
    }

    /** A NaN bound would make every comparison unknown: such a column's bounds are left out. */
    private static boolean hasNaN(Statistics<?> s, PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case FLOAT -> Float.isNaN((Float) s.genericGetMin()) || Float.isNaN((Float) s.genericGetMax());
            case DOUBLE -> Double.isNaN((Double) s.genericGetMin()) || Double.isNaN((Double) s.genericGetMax());
            default -> false;
        };
    }
}
