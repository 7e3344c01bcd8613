package dev.pontoon.s3dest.s3;

import dev.pontoon.s3dest.event.ObjectSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The object being written and what every request that creates it carries: content type, encryption, storage
 * class and tags. Used for data files, manifests and the connection test's probe alike.
 */
public record ObjectTarget(String bucket, String key, String contentType, ObjectSettings settings) {
    public static final String PARQUET = "application/vnd.apache.parquet";
    public static final String JSON = "application/json";

    public ObjectTarget(String bucket, String key, String contentType) {
        this(bucket, key, contentType, ObjectSettings.NONE);
    }

    public CreateMultipartUploadRequest.Builder applyTo(CreateMultipartUploadRequest.Builder r) {
        r.bucket(bucket).key(key).contentType(contentType);
        if (settings.sse() != null) {
            r.serverSideEncryption(settings.sse())
                    .ssekmsKeyId(settings.kmsKeyId())
                    .bucketKeyEnabled(settings.bucketKeyEnabled());
        }
        if (settings.storageClass() != null) {
            r.storageClass(settings.storageClass());
        }
        if (!settings.tags().isEmpty()) {
            r.tagging(tagging(settings.tags()));
        }
        return r;
    }

    public PutObjectRequest.Builder applyTo(PutObjectRequest.Builder r) {
        r.bucket(bucket).key(key).contentType(contentType);
        if (settings.sse() != null) {
            r.serverSideEncryption(settings.sse())
                    .ssekmsKeyId(settings.kmsKeyId())
                    .bucketKeyEnabled(settings.bucketKeyEnabled());
        }
        if (settings.storageClass() != null) {
            r.storageClass(settings.storageClass());
        }
        if (!settings.tags().isEmpty()) {
            r.tagging(tagging(settings.tags()));
        }
        return r;
    }

    /** The {@code x-amz-tagging} form: URL-encoded {@code k=v} pairs joined by {@code &}. */
    static String tagging(Map<String, String> tags) {
        return tags.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
