package dev.pontoon.s3dest.event;

import java.util.Map;

/**
 * What every object the function writes carries: data files, manifests and the connection test's probe.
 *
 * @param sse {@code AES256}, {@code aws:kms}, or null for the bucket's default
 * @param kmsKeyId the KMS key for {@code aws:kms}, or null for the AWS-managed key
 * @param bucketKeyEnabled S3 Bucket Key for {@code aws:kms}, or null to leave it to the bucket
 * @param storageClass e.g. {@code STANDARD_IA}, or null for STANDARD
 * @param tags object tags, empty for none
 */
public record ObjectSettings(
        String sse, String kmsKeyId, Boolean bucketKeyEnabled, String storageClass, Map<String, String> tags) {
    public static final ObjectSettings NONE = new ObjectSettings(null, null, null, null, Map.of());

    public ObjectSettings {
        // Kept in the order given: the x-amz-tagging header, and so the request, is then the same on every retry.
        tags = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags));
    }
}
