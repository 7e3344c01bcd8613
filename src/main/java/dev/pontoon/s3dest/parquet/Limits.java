package dev.pontoon.s3dest.parquet;

import java.util.Set;

record Limits(
        int pageBytes, int dictionaryBytes, int pageRows, Set<String> plainColumns, Codecs.PageCodec compressor) {}
