package dev.pontoon.s3dest.s3;

import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The object being written and the settings every request that creates it carries. */
public record ObjectTarget(String bucket, String key, String contentType) {
    public static final String PARQUET = "application/vnd.apache.parquet";

    CreateMultipartUploadRequest.Builder applyTo(CreateMultipartUploadRequest.Builder request) {
        return request.bucket(bucket).key(key).contentType(contentType);
    }

    PutObjectRequest.Builder applyTo(PutObjectRequest.Builder request) {
        return request.bucket(bucket).key(key).contentType(contentType);
    }
}
