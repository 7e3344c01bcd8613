package dev.pontoon.s3dest.s3;

import dev.pontoon.s3dest.event.DestinationException;

/**
 * S3 refused the request for a reason that retrying will not change: access denied, no such bucket, bad
 * credentials, wrong region. Not retryable.
 */
public class S3PermanentException extends DestinationException {
    public S3PermanentException(String message, String errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
