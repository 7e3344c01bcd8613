package dev.pontoon.s3dest.parquet;

/**
 * How files are cut and encoded.
 *
 * @param targetFileBytes a file is closed once its (compressed, as far as written) size reaches this
 * @param maxFileRows a file is closed once it holds this many rows; 0 for no limit
 * @param rowGroupBytes rows are buffered in memory up to this size before a row group is written: this bounds
 *     the writer's memory, so it is sized for a Lambda, not for HDFS blocks
 * @param pageBytes target size of a data page
 */
public record WriterSettings(long targetFileBytes, long maxFileRows, long rowGroupBytes, int pageBytes) {
    public WriterSettings {
        if (targetFileBytes <= 0 || rowGroupBytes <= 0 || pageBytes <= 0 || maxFileRows < 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
    }
}
