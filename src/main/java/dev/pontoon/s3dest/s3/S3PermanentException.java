package dev.pontoon.s3dest.s3;

/**
 * S3 refused the request for a reason that retrying will not change: access denied, no such bucket, bad
 * credentials, wrong region. Not retryable.
 */
public class S3PermanentException extends RuntimeException {
    private final String errorCode;

    public S3PermanentException(String message, String errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** S3's error code (e.g. {@code AccessDenied}), or null when the failure was not an S3 error response. */
    public String errorCode() {
        return errorCode;
    }
}
