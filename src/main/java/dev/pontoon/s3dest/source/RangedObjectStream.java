package dev.pontoon.s3dest.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object read as consecutive ranged GETs, so that more than one connection brings its bytes: one S3 connection
 * delivers far less than the decoders take on two or more vCPUs. The first range is streamed from its response;
 * while it is read, the next {@code ahead} ranges are fetched whole into buffers on other threads, each under the
 * first response's ETag ({@code If-Match}), so that an object replaced meanwhile fails instead of mixing versions.
 * Memory is {@code ahead} ranges. An object of one range, or a server that ignores {@code Range}, is one plain GET.
 */
final class RangedObjectStream extends InputStream {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String eTag;
    private final long size;
    private final int range;
    private final int ahead;
    private final ExecutorService executor;
    /** A range being fetched: {@code length} bytes into the future's buffer. */
    private record Fetch(int length, Future<byte[]> bytes) {}

    private final ArrayDeque<Fetch> fetching = new ArrayDeque<>();
    /** Buffers of {@code range} bytes already read, for the next fetches. */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    /** The first range's response, until it is read. */
    private ResponseInputStream<GetObjectResponse> first;

    private byte[] buffer;
    private int bufferPos;
    private int bufferLength;
    /** Where the next range to fetch starts. */
    private long nextStart;

    private boolean closed;

    private RangedObjectStream(
            S3Client s3,
            String bucket,
            String key,
            ResponseInputStream<GetObjectResponse> first,
            long size,
            int range,
            int ahead,
            ExecutorService executor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.first = first;
        this.eTag = first.response().eTag();
        this.size = size;
        this.range = range;
        this.ahead = ahead;
        this.executor = executor;
        this.nextStart = Math.min(range, size);
        for (int i = 0; i < ahead; i++) {
            fetchNext();
        }
    }

    /**
     * Opens {@code s3://bucket/key}: the first {@code range} bytes are asked for at once, and the rest, if any, by
     * ranges fetched ahead on {@code executor}. The SDK's own exceptions pass through (the caller maps them).
     */
    static InputStream open(S3Client s3, String bucket, String key, int range, int ahead, ExecutorService executor) {
        ResponseInputStream<GetObjectResponse> first;
        try {
            first = s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=0-" + (range - 1)));
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                // S3 answers a range of an empty object with 416: read it plainly
                return s3.getObject(r -> r.bucket(bucket).key(key));
            }
            throw e;
        }
        long size = totalSize(first.response().contentRange());
        if (size < 0 || size <= range) {
            return first; // all of it, or the server sent the whole object
        }
        return new RangedObjectStream(s3, bucket, key, first, size, range, ahead, executor);
    }

    /** The total size in a {@code Content-Range: bytes a-b/size} header; -1 without one. */
    static long totalSize(String contentRange) {
        if (contentRange == null || contentRange.indexOf('/') < 0) {
            return -1;
        }
        String total = contentRange.substring(contentRange.indexOf('/') + 1).trim();
        try {
            return Long.parseLong(total);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void fetchNext() {
        if (nextStart >= size) {
            return;
        }
        long start = nextStart;
        int length = (int) Math.min(range, size - start);
        nextStart = start + length;
        byte[] into = spare.isEmpty() ? new byte[range] : spare.pop();
        GetObjectRequest request = GetObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .range("bytes=" + start + "-" + (start + length - 1))
                .ifMatch(eTag)
                .build();
        fetching.add(new Fetch(length, executor.submit(() -> {
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request)) {
                int n = in.readNBytes(into, 0, length);
                if (n != length || in.read() >= 0) {
                    throw new IOException(
                            "range at byte " + start + " of " + size + " returned " + n + " of " + length + " bytes");
                }
            }
            return into;
        })));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (len == 0) {
            return 0;
        }
        if (first != null) {
            int n = first.read(b, off, len);
            if (n >= 0) {
                return n;
            }
            first.close();
            first = null;
        }
        if (bufferPos == bufferLength && !nextBuffer()) {
            return -1;
        }
        int n = Math.min(len, bufferLength - bufferPos);
        System.arraycopy(buffer, bufferPos, b, off, n);
        bufferPos += n;
        return n;
    }

    /** Moves to the next fetched range; false at the end of the object. */
    private boolean nextBuffer() throws IOException {
        Fetch next = fetching.poll();
        if (next == null) {
            return false;
        }
        if (buffer != null) {
            spare.push(buffer);
        }
        try {
            buffer = next.bytes().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + key);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
        bufferPos = 0;
        bufferLength = next.length();
        fetchNext();
        return true;
    }

    /** Stops what is in flight; the first response is aborted if not read to its end. */
    void abort() {
        if (first != null) {
            first.abort();
            first = null;
        }
        close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (Fetch f : fetching) {
                f.bytes().cancel(true);
            }
            fetching.clear();
            if (first != null) {
                first.abort();
                first = null;
            }
        }
    }
}
