package dev.pontoon.s3dest.event;

/**
 * What one data file's footer says of one column, summed over its row groups: what a table format's file entry
 * needs (SPEC §11) without reading the file again.
 *
 * @param values values in the column, nulls included
 * @param nulls null values
 * @param bytes the column's compressed size in the file
 * @param min the smallest non-null value in Parquet's plain encoding of the column's physical type (a long string
 *     or binary value truncated to a prefix that is still a lower bound), or null when unknown
 * @param max the largest, likewise (truncated to a value that is still an upper bound), or null when unknown
 */
public record ColumnStats(long values, long nulls, long bytes, byte[] min, byte[] max) {
    public ColumnStats {
        min = min == null ? null : min.clone();
        max = max == null ? null : max.clone();
    }

    @Override
    public byte[] min() {
        return min == null ? null : min.clone();
    }

    @Override
    public byte[] max() {
        return max == null ? null : max.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnStats s
                && values == s.values
                && nulls == s.nulls
                && bytes == s.bytes
                && java.util.Arrays.equals(min, s.min)
                && java.util.Arrays.equals(max, s.max);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                values, nulls, bytes, java.util.Arrays.hashCode(min), java.util.Arrays.hashCode(max));
    }

    @Override
    public String toString() {
        return "ColumnStats[values=" + values + ", nulls=" + nulls + ", bytes=" + bytes + "]";
    }
}
