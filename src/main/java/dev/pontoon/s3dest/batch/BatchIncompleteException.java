package dev.pontoon.s3dest.batch;

import dev.pontoon.s3dest.event.DestinationException;

/**
 * A commit found the batch incomplete or inconsistent (a staged object no complete chunk manifest names, one named
 * twice, a chunk written with other columns) and wrote nothing. Not retryable: the missing chunks must run first.
 */
public final class BatchIncompleteException extends DestinationException {
    public BatchIncompleteException(String message) {
        super(message, null, null);
    }
}
