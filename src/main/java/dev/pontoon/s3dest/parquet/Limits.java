package dev.pontoon.s3dest.parquet;

import java.util.Set;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;

record Limits(
        int pageBytes, int dictionaryBytes, int pageRows, Set<String> plainColumns, BytesInputCompressor compressor) {}
