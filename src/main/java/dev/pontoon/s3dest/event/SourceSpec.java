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
public record SourceSpec(List<String> uris, Format format, SourceCompression compression, String region, URI endpoint) {
    public SourceSpec {
        uris = List.copyOf(uris);
    }

    public enum Format {
        JSONL,
        CSV;

        static Format parse(String field, String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "jsonl", "ndjson", "json_lines" -> JSONL;
                case "csv" -> CSV;
                default ->
                    throw new InvalidEventException(field + ": unknown format '" + text + "' (expected jsonl or csv)");
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
