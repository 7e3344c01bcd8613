package dev.pontoon.s3dest.s3;

import java.util.function.Predicate;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Aborts multipart uploads of keys an event owns that the current attempt did not leave open: a sandbox killed
 * mid-file (out of memory, a crash, a hard timeout) cannot abort its own, and the keys are a pure function of the
 * event, so its redelivery is the one place that knows them (SPEC §8).
 */
public final class OpenUploads {
    private static final Logger LOG = Logger.getLogger(OpenUploads.class);
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private OpenUploads() {}

    /**
     * Aborts every open upload under {@code keyPrefix} whose key {@code owned} accepts. Call it once the attempt's
     * own files are all completed, so any upload still open for an owned key was left by an earlier attempt.
     * Needs {@code s3:ListBucketMultipartUploads} (and {@code s3:AbortMultipartUpload}); without them it warns and
     * leaves the rest to the bucket's {@code AbortIncompleteMultipartUpload} lifecycle rule.
     *
     * @return how many uploads were aborted
     */
    public static int abortLeftBehind(S3Client s3, String bucket, String keyPrefix, Predicate<String> owned) {
        int aborted = 0;
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(
                            r -> r.bucket(bucket).prefix(keyPrefix))
                    .uploads()) {
                if (!owned.test(upload.key())) {
                    continue;
                }
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                aborted++;
                LOG.infof(
                        "aborted multipart upload %s of s3://%s/%s, left open by an earlier attempt of this event",
                        upload.uploadId(), bucket, upload.key());
            }
        } catch (RuntimeException e) {
            // Once per container: a function without s3:ListBucketMultipartUploads would say it on every call.
            String message = "could not look for multipart uploads left open by an earlier attempt under s3://%s/%s "
                    + "(%s); grant s3:ListBucketMultipartUploads, or rely on the bucket's AbortIncompleteMultipartUpload rule";
            Logger.Level level = WARNED.compareAndSet(false, true) ? Logger.Level.WARN : Logger.Level.DEBUG;
            LOG.logf(
                    level,
                    message,
                    bucket,
                    keyPrefix,
                    S3Errors.map(e, "ListMultipartUploads", bucket, keyPrefix).getMessage());
        }
        return aborted;
    }
}
