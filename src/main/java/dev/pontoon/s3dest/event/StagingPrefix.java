package dev.pontoon.s3dest.event;

import java.net.URI;

/**
 * Staged source files named by a prefix ({@code source} of the state-machine input, SPEC §10): every object under
 * {@code s3://bucket/prefix} is one source file, in listing order.
 *
 * @param format null where the caller does not read the files (the connection test's read probe)
 * @param region the staging bucket's region, or null for the destination's
 * @param endpoint its S3-compatible endpoint, or null for the destination's
 */
public record StagingPrefix(
        String bucket,
        String prefix,
        SourceSpec.Format format,
        SourceSpec.SourceCompression compression,
        String region,
        URI endpoint,
        SourceSpec.Drift drift) {

    /** {@code s3://bucket/key} of an object under the prefix. */
    public String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** The event source of one chunk: these keys, read in this order. */
    public SourceSpec sourceOf(java.util.List<String> keys) {
        return new SourceSpec(keys.stream().map(this::uri).toList(), format, compression, region, endpoint, drift);
    }
}
