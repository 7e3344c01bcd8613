package dev.pontoon.s3dest.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/** An encoded, compressed data page waiting for its row group to be written. */
record Page(int rows, int uncompressedSize, BytesInput bytes, Statistics<?> statistics, Encoding encoding) {}
