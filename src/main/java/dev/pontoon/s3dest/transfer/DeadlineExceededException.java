package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.event.DestinationException;

/**
 * The invocation stopped before the Lambda deadline, its open upload aborted. Retryable: a retry rewrites the same
 * keys; give the function a longer timeout or send smaller chunks if it keeps happening.
 */
public class DeadlineExceededException extends DestinationException {
    public DeadlineExceededException(String message) {
        super(message, null, null);
    }

    public DeadlineExceededException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
