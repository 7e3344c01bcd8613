package dev.pontoon.s3dest.s3;

import dev.pontoon.s3dest.event.DestinationException;

/**
 * S3 failed in a way that may pass on a later try: throttling, a 5xx, a broken or timed-out connection. The SDK
 * has already retried with backoff; the caller (Step Functions, SQS) may retry the whole event.
 */
public class S3TransientException extends DestinationException {
    public S3TransientException(String message, String errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
