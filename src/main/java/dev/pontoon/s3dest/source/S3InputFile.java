package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.s3.S3Errors;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A staged Parquet object read by ranged GETs (SPEC §13): parquet-java asks for the footer, then for the column
 * chunks of one row group at a time, each a {@code readFully} of a known range, and every such read is one GET of
 * exactly that range. Small reads (parquet-java reads the footer's length and magic four bytes at a time) go
 * through a read-ahead of {@value #READ_AHEAD} bytes. Every GET names the ETag the length was read with, so an
 * object replaced while it is read fails instead of mixing two versions.
 */
final class S3InputFile implements InputFile {
    /** Bytes fetched for a small read: the footer of a typical file in one GET. */
    static final int READ_AHEAD = 256 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final long length;
    private final String etag;

    S3InputFile(S3Client s3, String bucket, String key) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        try {
            var head = s3.headObject(r -> r.bucket(bucket).key(key));
            this.length = head.contentLength();
            this.etag = head.eTag();
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "HeadObject (source s3://" + bucket + "/" + key + ")", bucket, key);
        }
    }

    @Override
    public long getLength() {
        return length;
    }

    /** Fills {@code into} from {@code position} with one ranged GET. */
    private void get(long position, byte[] into, int offset, int count) throws IOException {
        if (count == 0) {
            return;
        }
        if (position + count > length) {
            throw new EOFException("s3://" + bucket + "/" + key + ": a read past its end (" + length + " bytes)");
        }
        ResponseBytes<GetObjectResponse> bytes;
        try {
            bytes = s3.getObjectAsBytes(r ->
                    r.bucket(bucket).key(key).ifMatch(etag).range("bytes=" + position + "-" + (position + count - 1)));
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (source s3://" + bucket + "/" + key + ")", bucket, key);
        }
        ByteBuffer body = bytes.asByteBuffer();
        if (body.remaining() != count) {
            throw new EOFException(
                    "s3://" + bucket + "/" + key + ": asked for " + count + " bytes, got " + body.remaining());
        }
        body.get(into, offset, count);
    }

    @Override
    public SeekableInputStream newStream() {
        return new SeekableInputStream() {
            private long pos;
            private final byte[] ahead = new byte[READ_AHEAD];
            private long aheadStart = -1;
            private int aheadLength;

            @Override
            public long getPos() {
                return pos;
            }

            @Override
            public void seek(long newPos) {
                pos = newPos;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - pos);
                readFully(b, off, n);
                return n;
            }

            @Override
            public void readFully(byte[] bytes) throws IOException {
                readFully(bytes, 0, bytes.length);
            }

            @Override
            public void readFully(byte[] bytes, int start, int len) throws IOException {
                if (aheadStart >= 0 && pos >= aheadStart && pos + len <= aheadStart + aheadLength) {
                    System.arraycopy(ahead, (int) (pos - aheadStart), bytes, start, len);
                } else if (len >= READ_AHEAD) {
                    get(pos, bytes, start, len);
                } else {
                    aheadLength = (int) Math.min(READ_AHEAD, length - pos);
                    if (aheadLength < len) {
                        throw new EOFException("s3://" + bucket + "/" + key + ": a read past its end");
                    }
                    get(pos, ahead, 0, aheadLength);
                    aheadStart = pos;
                    System.arraycopy(ahead, 0, bytes, start, len);
                }
                pos += len;
            }

            @Override
            public int read(ByteBuffer buf) throws IOException {
                if (pos >= length) {
                    return -1;
                }
                int n = (int) Math.min(buf.remaining(), length - pos);
                ByteBuffer slice = buf.slice();
                slice.limit(n);
                readFully(slice);
                buf.position(buf.position() + n);
                return n;
            }

            @Override
            public void readFully(ByteBuffer buf) throws IOException {
                int n = buf.remaining();
                if (buf.hasArray()) {
                    readFully(buf.array(), buf.arrayOffset() + buf.position(), n);
                } else {
                    byte[] copy = new byte[n];
                    readFully(copy, 0, n);
                    buf.duplicate().put(copy);
                }
                buf.position(buf.position() + n);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
