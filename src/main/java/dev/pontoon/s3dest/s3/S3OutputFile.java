package dev.pontoon.s3dest.s3;

import dev.pontoon.s3dest.event.CommittableFile;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import org.apache.parquet.io.PositionOutputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One Parquet file in S3, written through a {@link S3MultipartOutputStream}. The Parquet writer closes the stream
 * it was given when it finishes the footer; that close must not decide the object's fate, so the writer gets a
 * view whose {@code close()} does nothing, and the object is completed by {@link #commit()} alone.
 */
public final class S3OutputFile implements CommittableFile {
    private final S3MultipartOutputStream stream;
    private final ObjectTarget target;

    public S3OutputFile(S3Client s3, ObjectTarget target, int partSize, ExecutorService uploader) {
        this.target = target;
        this.stream = new S3MultipartOutputStream(s3, target, partSize, uploader);
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return new PositionOutputStream() {
            @Override
            public long getPos() {
                return stream.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                stream.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                stream.write(b, off, len);
            }

            @Override
            public void close() {
                // See the class comment: completion is the commit's job.
            }
        };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return "s3://" + target.bucket() + "/" + target.key();
    }

    @Override
    public void commit() throws IOException {
        stream.commit();
    }

    @Override
    public long bytesWritten() {
        return stream.getPos();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
