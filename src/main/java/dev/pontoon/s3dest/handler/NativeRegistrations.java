package dev.pontoon.s3dest.handler;

import dev.pontoon.s3dest.connection.ConnectionResult;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.TransferResult;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection: the records the functions write as JSON (Jackson reads their
 * accessors and annotations reflectively). Events are read through the tree model and need nothing; codecs are
 * pure Java (aircompressor, the JDK's GZIP), so there is no JNI library to register. The list lives here, in one
 * place, so a new result type is added next to the others.
 */
@RegisterForReflection(
        targets = {
            TransferResult.class,
            FileResult.class,
            CommitResult.class,
            ConnectionResult.class,
            ConnectionResult.Check.class,
            SqsBatch.Response.class,
            SqsBatch.Failure.class,
        })
final class NativeRegistrations {
    private NativeRegistrations() {}
}
