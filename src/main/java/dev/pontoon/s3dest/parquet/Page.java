package dev.pontoon.s3dest.parquet;

import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/**
 * An encoded, compressed data page waiting for its row group to be written: its bytes are {@code [offset, offset +
 * length)} of its chunk's page area.
 */
record Page(int rows, int uncompressedSize, int offset, int length, Statistics<?> statistics, Encoding encoding) {}
