package dev.pontoon.s3dest.event;

import java.util.List;

/**
 * The base of every error the functions raise on purpose. The concrete class is the Lambda {@code errorType} a
 * state machine matches, so it is never replaced; what an invocation learns on the way out (the files that did
 * complete before the failure) is added to the same exception, whatever its type.
 */
public abstract class DestinationException extends RuntimeException {
    private final String errorCode;
    private List<String> completedFiles = List.of();

    protected DestinationException(String message, String errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The remote service's error code (e.g. S3's {@code AccessDenied}), or null when there was none. */
    public String errorCode() {
        return errorCode;
    }

    /** Keys completed before the failure: whole and visible, but listed by no manifest. */
    public List<String> completedFiles() {
        return completedFiles;
    }

    /** Records the files that completed before the failure; they are named in the message. */
    public DestinationException withCompletedFiles(List<String> keys) {
        this.completedFiles = List.copyOf(keys);
        return this;
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return completedFiles.isEmpty()
                ? message
                : message + "; completed before the failure (whole, not in a manifest): "
                        + String.join(", ", completedFiles);
    }
}
