package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.event.DestinationException;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.s3.S3TransientException;
import java.util.List;

/**
 * Adds to a failure which files of the invocation did complete (they are whole and visible, but listed by no
 * manifest), keeping the exception's type: the type is the error a state machine matches.
 */
final class Failures {
    private Failures() {}

    static RuntimeException withCompletedFiles(Throwable t, List<FileResult> completed) {
        RuntimeException e =
                t instanceof RuntimeException r ? r : new S3TransientException(String.valueOf(t.getMessage()), null, t);
        if (e instanceof DestinationException d && !completed.isEmpty()) {
            return d.withCompletedFiles(completed.stream().map(FileResult::key).toList());
        }
        return e;
    }
}
