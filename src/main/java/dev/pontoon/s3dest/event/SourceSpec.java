package dev.pontoon.s3dest.event;

import java.util.List;

/** A pointer to staged source files in S3 ({@code source} of the transfer event). */
public record SourceSpec(List<String> uris, String format, String compression) {
    public SourceSpec {
        uris = List.copyOf(uris);
    }
}
