package dev.pontoon.s3dest.event;

import java.io.IOException;
import org.apache.parquet.io.OutputFile;

/**
 * A file that becomes visible only when committed. Closing it without a commit discards what was written
 * (for S3: aborts the multipart upload). The Parquet writer sees only the {@link OutputFile} side.
 */
public interface CommittableFile extends OutputFile, AutoCloseable {
    /** Makes the whole file visible under its key. */
    void commit() throws IOException;

    /** Bytes written so far. */
    long bytesWritten();

    /** Discards the file unless it was committed; never throws over an error already in flight. */
    @Override
    void close() throws IOException;

    /** Opens files by key. */
    @FunctionalInterface
    interface Factory {
        CommittableFile open(String key) throws IOException;
    }
}
