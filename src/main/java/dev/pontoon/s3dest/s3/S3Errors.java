package dev.pontoon.s3dest.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place SDK failures become the project's errors: the message names the operation, bucket and key, and
 * the class says whether retrying can help.
 */
public final class S3Errors {
    private S3Errors() {}

    /** Maps a failure of {@code operation} on {@code s3://bucket/key}; anything not from the SDK is returned as is. */
    public static RuntimeException map(Throwable failure, String operation, String bucket, String key) {
        String where = operation
                + (operation.startsWith("AssumeRole") ? "" : " on s3://" + bucket + (key == null ? "" : "/" + key));
        if (failure instanceof S3PermanentException p) {
            return p;
        }
        if (failure instanceof S3TransientException t) {
            return t;
        }
        if (failure instanceof AwsServiceException s3) {
            String code = errorCode(s3);
            String detail = errorMessage(s3);
            String message = where + " failed: " + (code == null ? "HTTP " + s3.statusCode() : code)
                    + (detail == null ? "" : " (" + detail + ")");
            if (isTransient(s3)) {
                return new S3TransientException(message, code, failure);
            }
            return new S3PermanentException(message, code, failure);
        }
        if (failure instanceof SdkClientException && isMissingCredentials(failure)) {
            // Retrying cannot help: the same sandbox finds the same (no) credentials.
            return new S3PermanentException(
                    where + " failed: no usable credentials (the destination has no aws_access_key_id and the"
                            + " function's own credentials could not be loaded)",
                    null,
                    failure);
        }
        if (failure instanceof SdkClientException
                || failure instanceof IOException
                || failure instanceof UncheckedIOException) {
            return new S3TransientException(where + " failed: " + rootMessage(failure), null, failure);
        }
        if (failure instanceof SdkException) {
            return new S3TransientException(where + " failed: " + rootMessage(failure), null, failure);
        }
        return failure instanceof RuntimeException r ? r : new RuntimeException(failure);
    }

    /** The SDK's credential chain found nothing: its own message is the only mark it leaves. */
    static boolean isMissingCredentials(Throwable failure) {
        return causeMatching(
                        failure, c -> c.getMessage() != null && c.getMessage().startsWith("Unable to load credentials"))
                != null;
    }

    /** The first of {@code failure} and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        return type.cast(causeMatching(failure, type::isInstance));
    }

    /** The first of {@code failure} and its causes that {@code test} accepts, or null. */
    static Throwable causeMatching(Throwable failure, java.util.function.Predicate<Throwable> test) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (test.test(c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Whether an AWS service's answer is worth retrying, from the SDK's own predicates (throttling, clock skew,
     * retryable statuses) plus what S3 and Glue say with a code only: the one classification every client uses.
     */
    public static boolean isTransient(AwsServiceException e) {
        if (e.statusCode() == 501) {
            return false; // NotImplemented: the same request fails the same way
        }
        String code = errorCode(e);
        return e.isThrottlingException()
                || e.isClockSkewException()
                || e.isRetryableException()
                || e.statusCode() >= 500
                || e.statusCode() == 429
                || "RequestTimeout".equals(code)
                || "InternalError".equals(code)
                || "InternalServiceException".equals(code);
    }

    /** The service's error code, or null when the answer had none. */
    public static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The service's error message, or null when the answer had none. */
    public static String errorMessage(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root == t
                ? String.valueOf(m)
                : t.getMessage() + " (" + root.getClass().getSimpleName() + ": " + m + ")";
    }
}
