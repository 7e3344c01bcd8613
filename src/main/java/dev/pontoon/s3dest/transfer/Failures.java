package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.s3.S3PermanentException;
import dev.pontoon.s3dest.s3.S3TransientException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Adds to a failure which files of the invocation did complete (they are whole and visible, but listed by no
 * manifest), keeping the exception's type: the type is the error a state machine matches.
 */
final class Failures {
    private Failures() {
    }

    static RuntimeException withCompletedFiles(Throwable t, List<FileResult> completed) {
        RuntimeException e = t instanceof RuntimeException r ? r : new S3TransientException(String.valueOf(t.getMessage()), null, t);
        if (completed.isEmpty()) {
            return e;
        }
        String message = e.getMessage() + "; completed before the failure (whole, not in a manifest): "
                + completed.stream().map(FileResult::key).collect(Collectors.joining(", "));
        RuntimeException wrapped;
        if (e instanceof InvalidEventException) {
            wrapped = new InvalidEventException(message, e);
        } else if (e instanceof S3PermanentException p) {
            wrapped = new S3PermanentException(message, p.errorCode(), e);
        } else if (e instanceof S3TransientException tr) {
            wrapped = new S3TransientException(message, tr.errorCode(), e);
        } else if (e instanceof DeadlineExceededException) {
            wrapped = new DeadlineExceededException(message);
            wrapped.initCause(e);
        } else {
            return e;
        }
        return wrapped;
    }
}
