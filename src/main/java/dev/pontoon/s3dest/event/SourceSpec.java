package dev.pontoon.s3dest.event;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A pointer to staged source files in S3 ({@code source} of the transfer event), read in order into one batch.
 *
 * @param region the source bucket's region, or null for the destination's
 * @param endpoint the source's S3-compatible endpoint, or null for the destination's
 */
public record SourceSpec(
        List<String> uris, Format format, SourceCompression compression, String region, URI endpoint, Drift drift) {
    public SourceSpec {
        uris = List.copyOf(uris);
        java.util.Objects.requireNonNull(drift, "drift is null");
    }

    public SourceSpec(List<String> uris, Format format, SourceCompression compression, String region, URI endpoint) {
        this(uris, format, compression, region, endpoint, Drift.DEFAULT);
    }

    /**
     * What a file whose columns differ from the model's means (SPEC §4).
     *
     * @param missingAsNull a declared column a CSV header lacks is null ({@code "missing_columns": "null"}, for
     *     nullable columns) instead of an error
     * @param unknownAsError a header field or JSON key that matches no declared column is an error
     *     ({@code "unknown_fields": "error"}) instead of being skipped
     */
    public record Drift(boolean missingAsNull, boolean unknownAsError) {
        public static final Drift DEFAULT = new Drift(false, false);

        static Drift parse(String path, String missing, String unknown) {
            boolean missingAsNull =
                    switch (missing == null ? "error" : missing.trim().toLowerCase(Locale.ROOT)) {
                        case "error" -> false;
                        case "null" -> true;
                        default ->
                            throw new InvalidEventException(
                                    path + ".missing_columns: '" + missing + "' is not error or null");
                    };
            boolean unknownAsError =
                    switch (unknown == null ? "ignore" : unknown.trim().toLowerCase(Locale.ROOT)) {
                        case "ignore" -> false;
                        case "error" -> true;
                        default ->
                            throw new InvalidEventException(
                                    path + ".unknown_fields: '" + unknown + "' is not ignore or error");
                    };
            return new Drift(missingAsNull, unknownAsError);
        }
    }

    public enum Format {
        JSONL,
        CSV,
        /** Staged Parquet (warehouse unloads), read by ranged GETs (SPEC §13). */
        PARQUET,
        /** Arrow IPC, stream or file format (Pontoon's transfer cache; SPEC §13). */
        ARROW;

        static Format parse(String field, String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "jsonl", "ndjson", "json_lines" -> JSONL;
                case "csv" -> CSV;
                case "parquet" -> PARQUET;
                case "arrow", "arrows", "arrow_ipc", "feather" -> ARROW;
                default ->
                    throw new InvalidEventException(
                            field + ": unknown format '" + text + "' (expected jsonl, csv, parquet or arrow)");
            };
        }
    }

    /** How a staged file is compressed; AUTO looks at the extension, then at the magic bytes. */
    public enum SourceCompression {
        AUTO,
        GZIP,
        ZSTD,
        NONE;

        static SourceCompression parse(String field, String text) {
            if (text == null) {
                return AUTO;
            }
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "gzip", "gz" -> GZIP;
                case "zstd", "zst" -> ZSTD;
                case "none", "plain", "uncompressed" -> NONE;
                default ->
                    throw new InvalidEventException(
                            field + ": unknown compression '" + text + "' (expected auto, gzip, zstd or none)");
            };
        }
    }
}
