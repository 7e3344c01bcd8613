package dev.pontoon.s3dest.event;

/**
 * The event or its data is not acceptable. Not retryable: the same event fails the same way.
 * The message always names the field (and for data, the row and column).
 */
public class InvalidEventException extends DestinationException {
    public InvalidEventException(String message) {
        super(message, null, null);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
