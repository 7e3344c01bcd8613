package dev.pontoon.s3dest.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.io.PositionOutputStream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * An output stream to one S3 object that uploads it in parts while it is written.
 *
 * <ul>
 *   <li>Bytes fill a buffer of one part; a full part is uploaded on a background thread while the next fills.
 *       At most one part is in flight while bytes come, so memory is about two parts whatever the object's size;
 *       the last part goes out beside the one before it (no third buffer), so a file does not end on two uploads
 *       in a row.</li>
 *   <li>An object that ends within its first part is written with one PutObject and no multipart upload.</li>
 *   <li>The object becomes visible only on {@link #commit()}; {@link #close()} without a commit aborts the
 *       multipart upload, so a failure never leaves a partial object or orphan parts behind.</li>
 * </ul>
 */
public final class S3MultipartOutputStream extends PositionOutputStream {
    private static final Logger LOG = Logger.getLogger(S3MultipartOutputStream.class);
    /** S3 allows only the last part of a multipart upload to be smaller than 5 MiB. */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** Small files are common; the buffer starts small and doubles up to the part size. */
    private static final int INITIAL_BUFFER = 64 * 1024;
    /**
     * Part buffers of committed files, kept for the next file (or call): a file's buffer would otherwise grow from
     * {@link #INITIAL_BUFFER} to a part by doubling, and a second one be made, every time. Softly held, at most
     * {@link #KEPT_PARTS}: the collector takes them back before memory runs short. Only whole parts are kept, and a
     * buffer is kept only once every upload that read it has ended.
     */
    private static final ArrayDeque<SoftReference<byte[]>> KEPT = new ArrayDeque<>();

    private static final int KEPT_PARTS = 3;

    private final S3Client s3;
    private final ObjectTarget target;
    private final int partSize;
    private final ExecutorService uploader;
    private final List<CompletedPart> parts = new ArrayList<>();

    private byte[] buffer;
    private byte[] spare;
    private int count;
    private long position;
    private String uploadId;
    /** Parts uploading, oldest first: one while bytes come, two once the last is sent. */
    private final ArrayDeque<Future<CompletedPart>> inFlight = new ArrayDeque<>();

    private boolean committed;
    private boolean closed;
    /** A CreateMultipartUpload was retried: an earlier try may have created an upload whose answer was lost. */
    private boolean mayHaveOrphans;

    public S3MultipartOutputStream(S3Client s3, ObjectTarget target, int partSize, ExecutorService uploader) {
        this.s3 = s3;
        this.target = target;
        this.partSize = partSize;
        this.uploader = uploader;
        byte[] kept = keptPart(partSize);
        this.buffer = kept != null ? kept : new byte[Math.min(INITIAL_BUFFER, partSize)];
    }

    /** A kept buffer of exactly {@code size} bytes, or null; kept buffers of another size are let go. */
    private static byte[] keptPart(int size) {
        synchronized (KEPT) {
            for (SoftReference<byte[]> ref; (ref = KEPT.pollFirst()) != null; ) {
                byte[] b = ref.get();
                if (b != null && b.length == size) {
                    return b;
                }
            }
        }
        return null;
    }

    private void keep(byte[] b) {
        if (b != null && b.length == partSize) {
            synchronized (KEPT) {
                if (KEPT.size() < KEPT_PARTS) {
                    KEPT.addLast(new SoftReference<>(b));
                }
            }
        }
    }

    @Override
    public long getPos() {
        return position;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == buffer.length) {
            makeRoom();
        }
        buffer[count++] = (byte) b;
        position++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        while (length > 0) {
            if (count == buffer.length) {
                makeRoom();
            }
            int n = Math.min(length, buffer.length - count);
            System.arraycopy(bytes, offset, buffer, count, n);
            count += n;
            offset += n;
            length -= n;
            position += n;
        }
    }

    /** Parts go out only when full; there is nothing to flush early. */
    @Override
    public void flush() {}

    /** Uploads what remains and makes the object visible. */
    public void commit() throws IOException {
        ensureOpen();
        if (uploadId == null) {
            putWhole();
        } else {
            if (count > 0) {
                submitPart(buffer, count); // beside the part still in flight
            }
            awaitInFlight();
            String op = "CompleteMultipartUpload";
            try {
                s3.completeMultipartUpload(r -> r.bucket(target.bucket())
                        .key(target.key())
                        .uploadId(uploadId)
                        .multipartUpload(
                                CompletedMultipartUpload.builder().parts(parts).build()));
            } catch (RuntimeException e) {
                throw S3Errors.map(e, op, target.bucket(), target.key());
            }
        }
        committed = true;
        // every part has been answered (awaitInFlight), so no upload reads these any more
        keep(buffer);
        keep(spare);
        buffer = null;
        spare = null;
        if (mayHaveOrphans) {
            sweepOrphans(null);
        }
    }

    /** Aborts the multipart upload unless the object was committed. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        buffer = null;
        spare = null;
        if (committed || uploadId == null) {
            return;
        }
        // A part still uploading could land after the abort and keep storage alive: let them finish first.
        for (Future<CompletedPart> part; (part = inFlight.poll()) != null; ) {
            try {
                part.get();
            } catch (ExecutionException | CancellationException ignored) {
                // The part's failure is already the reason we are aborting.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            s3.abortMultipartUpload(
                    r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
        } catch (RuntimeException e) {
            LOG.errorf(
                    "could not abort multipart upload %s of s3://%s/%s: %s",
                    uploadId, target.bucket(), target.key(), e.getMessage());
            throw S3Errors.map(e, "AbortMultipartUpload (upload " + uploadId + ")", target.bucket(), target.key());
        }
        if (mayHaveOrphans) {
            sweepOrphans(null);
        }
    }

    /**
     * Aborts the other open uploads of this very key: the key is this transfer's alone (a pure function of the
     * event), so any such upload was created by a retried CreateMultipartUpload whose answer never arrived. Needs
     * s3:ListBucketMultipartUploads; without it the bucket's AbortIncompleteMultipartUpload rule is the backstop.
     * Failures are added to {@code cause} when there is one, else logged; never thrown over the real outcome.
     */
    private void sweepOrphans(RuntimeException cause) {
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(
                            r -> r.bucket(target.bucket()).prefix(target.key()))
                    .uploads()) {
                if (upload.key().equals(target.key()) && !upload.uploadId().equals(uploadId)) {
                    s3.abortMultipartUpload(
                            r -> r.bucket(target.bucket()).key(target.key()).uploadId(upload.uploadId()));
                    LOG.infof(
                            "aborted orphan multipart upload %s of s3://%s/%s left by a retried CreateMultipartUpload",
                            upload.uploadId(), target.bucket(), target.key());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "could not sweep orphan multipart uploads of s3://%s/%s after a retried CreateMultipartUpload: %s; "
                            + "the bucket's AbortIncompleteMultipartUpload rule will remove them",
                    target.bucket(), target.key(), e.getMessage());
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    private void makeRoom() throws IOException {
        if (buffer.length < partSize) {
            buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
            return;
        }
        if (uploadId == null) {
            AtomicInteger attempts = new AtomicInteger();
            try {
                uploadId = s3.createMultipartUpload(r -> target.applyTo(r)
                                .overrideConfiguration(o -> o.putExecutionAttribute(AttemptCounter.ATTEMPTS, attempts)))
                        .uploadId();
            } catch (RuntimeException e) {
                RuntimeException mapped = S3Errors.map(e, "CreateMultipartUpload", target.bucket(), target.key());
                if (attempts.get() > 0) {
                    sweepOrphans(mapped);
                }
                throw mapped;
            } finally {
                mayHaveOrphans = attempts.get() > 1;
            }
        }
        uploadPart();
    }

    /** Hands the filled buffer to the uploader and continues in the spare one. */
    private void uploadPart() throws IOException {
        awaitInFlight();
        byte[] data = buffer;
        submitPart(data, count);
        if (spare != null) {
            buffer = spare;
        } else {
            byte[] kept = keptPart(partSize);
            buffer = kept != null ? kept : new byte[partSize];
        }
        spare = data;
        count = 0;
    }

    private void submitPart(byte[] data, int length) {
        int partNumber = parts.size() + inFlight.size() + 1;
        inFlight.add(uploader.submit(() -> {
            try {
                String etag = s3.uploadPart(
                                r -> r.bucket(target.bucket())
                                        .key(target.key())
                                        .uploadId(uploadId)
                                        .partNumber(partNumber)
                                        .contentLength((long) length),
                                body(data, length))
                        .eTag();
                return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
            } catch (RuntimeException e) {
                throw S3Errors.map(e, "UploadPart " + partNumber, target.bucket(), target.key());
            }
        }));
    }

    /** Waits for every part in flight, in order; the first failure is thrown (close() waits for the rest). */
    private void awaitInFlight() throws IOException {
        for (Future<CompletedPart> part; (part = inFlight.peek()) != null; ) {
            try {
                parts.add(part.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while uploading s3://" + target.bucket() + "/" + target.key(), e);
            } finally {
                inFlight.poll();
            }
        }
    }

    private void putWhole() {
        try {
            s3.putObject(r -> target.applyTo(r).contentLength((long) count), body(buffer, count));
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "PutObject", target.bucket(), target.key());
        }
    }

    /** A body over the buffer without copying it; the SDK may read it more than once when it retries. */
    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
    }

    private void ensureOpen() throws IOException {
        if (closed || committed) {
            throw new IOException("stream to s3://" + target.bucket() + "/" + target.key() + " is "
                    + (committed ? "committed" : "closed"));
        }
    }
}
