package dev.pontoon.s3dest.transfer;

/**
 * The invocation stopped before the Lambda deadline, its open upload aborted. Retryable: a retry rewrites the same
 * keys; give the function a longer timeout or send smaller chunks if it keeps happening.
 */
public class DeadlineExceededException extends RuntimeException {
    public DeadlineExceededException(String message) {
        super(message);
    }
}
