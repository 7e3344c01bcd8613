package dev.pontoon.s3dest.event;

/**
 * The function itself failed (a {@link Error}: a class that would not load, memory exhausted) rather than refusing
 * the event or meeting an S3 error. Raised by the handlers in place of the error, because the Lambda runtime's poll
 * loop (Quarkus's) catches exceptions only: an error escaping it ends the loop, and the invocation would hang until
 * its timeout instead of failing now. By then the transfer has aborted its uploads as for any failure. Not retryable
 * as such: the same event in the same package fails the same way.
 */
public final class FunctionFailedException extends DestinationException {
    private FunctionFailedException(String message, Throwable cause) {
        super(message, null, cause);
    }

    /** Names the error's class and message (never an event's value: errors carry none). */
    public static FunctionFailedException of(Error error) {
        return new FunctionFailedException(
                "the function failed: " + error.getClass().getName()
                        + (error.getMessage() == null ? "" : " (" + error.getMessage() + ")")
                        + "; any upload it had open was aborted",
                error);
    }
}
