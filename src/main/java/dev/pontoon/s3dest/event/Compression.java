package dev.pontoon.s3dest.event;

import java.util.Locale;

/** Parquet page compression a destination may ask for; SNAPPY unless told otherwise. */
public enum Compression {
    SNAPPY,
    ZSTD,
    GZIP,
    UNCOMPRESSED;

    static Compression parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return SNAPPY;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(
                    field + ": unknown compression '" + value + "' (expected snappy, zstd, gzip or uncompressed)");
        }
    }
}
