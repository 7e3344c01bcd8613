package dev.pontoon.s3dest.testing;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A real S3 protocol server in process: s3proxy on 127.0.0.1 with SigV2/V4 authentication enforced, in memory or
 * on a folder. Faults can be injected into the store behind it; s3proxy then answers with S3's error responses.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIAS3DESTTESTKEY001";
    /** Recognisable, so tests can assert it never appears in logs or results. */
    public static final String SECRET_KEY = "sEcReT-s3dest-test-9f8e7d6c5b4a";

    public static final String REGION = "us-east-1";

    private static S3TestServer shared;

    private final S3Proxy proxy;
    private final Faults faults;
    /** Whether {@link #endpoint()} is the HTTPS one. */
    private final boolean https;

    private S3TestServer(BlobStore store, boolean smallParts) throws Exception {
        this(store, smallParts, false);
    }

    private S3TestServer(BlobStore store, boolean smallParts, boolean ignoreUnknownHeaders) throws Exception {
        this(store, smallParts, ignoreUnknownHeaders, null, null);
    }

    private S3TestServer(
            BlobStore store, boolean smallParts, boolean ignoreUnknownHeaders, Path keyStore, String password)
            throws Exception {
        this.faults = new Faults(store, smallParts);
        this.https = keyStore != null;
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(faults)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(ignoreUnknownHeaders);
        if (https) {
            builder.secureEndpoint(URI.create("https://127.0.0.1:0")).keyStore(keyStore.toString(), password);
        }
        this.proxy = builder.build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
    }

    /**
     * One in-memory server for the whole test JVM, stopped when the JVM exits. It accepts parts below S3's 5 MiB
     * minimum so that a few hundred KB exercise several parts; {@link #strict()} enforces the minimum.
     */
    public static synchronized S3TestServer shared() {
        if (shared == null) {
            try {
                shared = new S3TestServer(new TransientNio2BlobStore(), true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /**
     * An in-memory server that ignores headers s3proxy does not implement (a session token from an assumed role,
     * SSE-KMS), so the rest of a request can be checked. Close it after use.
     */
    public static S3TestServer lenient() throws Exception {
        return new S3TestServer(new TransientNio2BlobStore(), true, true);
    }

    /** An in-memory server that, like S3, rejects a non-last part below 5 MiB. Close it after use. */
    public static S3TestServer strict() throws Exception {
        return new S3TestServer(new TransientNio2BlobStore(), false);
    }

    /** A server keeping its objects as files under {@code dir/<bucket>/<key>}, S3's part minimum enforced. */
    public static S3TestServer onFolder(Path dir) throws Exception {
        return new S3TestServer(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()), false);
    }

    /**
     * A server on a folder, as {@link #onFolder}, whose endpoint is HTTPS with the key in {@code keyStore}: clients
     * must trust it ({@code javax.net.ssl.trustStore}). Over HTTPS the SDK does not sign payloads, as with S3 itself.
     */
    public static S3TestServer onFolderHttps(Path dir, Path keyStore, String password) throws Exception {
        return new S3TestServer(
                new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()), false, false, keyStore, password);
    }

    public URI endpoint() {
        return https
                ? URI.create("https://127.0.0.1:" + proxy.getSecurePort())
                : URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public Faults faults() {
        return faults;
    }

    /** A client with the server's credentials, for setting up and inspecting buckets. */
    public S3Client client() {
        return clientFor(endpoint());
    }

    /** A client with the test credentials for a server at {@code endpoint} (e.g. one in another process). */
    public static S3Client clientFor(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(r -> r.bucket(bucket));
        }
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // stopping on exit: nothing to do about it
        }
    }

    /** Operations a fault can be injected into. */
    public enum Op {
        CREATE_MULTIPART,
        UPLOAD_PART,
        COMPLETE_MULTIPART,
        ABORT_MULTIPART,
        PUT_OBJECT,
        DELETE_OBJECT
    }

    /**
     * The store in front of the real one: each injected fault skips some calls of an operation, then fails the
     * next {@code times} calls with an S3 error that s3proxy sends back as S3 would.
     */
    public static final class Faults extends ForwardingBlobStore {
        private final List<Fault> planned = new ArrayList<>();
        private final boolean smallParts;

        Faults(BlobStore delegate, boolean smallParts) {
            super(delegate);
            this.smallParts = smallParts;
        }

        public synchronized void inject(Op op, int skip, int times, Supplier<RuntimeException> error) {
            planned.add(new Fault(op, new AtomicInteger(skip), new AtomicInteger(times), error));
        }

        public synchronized void clear() {
            planned.clear();
            beforePut.clear();
            ignoreIfNoneMatch = false;
        }

        /** Runs {@code action} once, just before the first PUT of a key ending in {@code keySuffix} is stored. */
        public synchronized void beforePut(String keySuffix, Runnable action) {
            beforePut.put(keySuffix, action);
        }

        /** Behaves as a store without conditional writes: {@code If-None-Match} is dropped before the store sees it. */
        public synchronized void ignoreIfNoneMatch() {
            ignoreIfNoneMatch = true;
        }

        private final java.util.Map<String, Runnable> beforePut = new java.util.LinkedHashMap<>();
        private boolean ignoreIfNoneMatch;

        private PutObjectRequest beforePut(PutObjectRequest request) {
            Runnable action = null;
            boolean ignore;
            synchronized (this) {
                for (var it = beforePut.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    if (request.key().endsWith(e.getKey())) {
                        action = e.getValue();
                        it.remove();
                        break;
                    }
                }
                ignore = ignoreIfNoneMatch;
            }
            if (action != null) {
                action.run();
            }
            return ignore ? request.toBuilder().ifNoneMatch(null).build() : request;
        }

        public static RuntimeException s3Error(int status, String code, String message) {
            return S3Exception.builder()
                    .statusCode(status)
                    .message(message)
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode(code)
                            .errorMessage(message)
                            .build())
                    .build();
        }

        /** A server reads the request body before it fails; so does this one, as the SDK expects. */
        private void check(Op op, InputStream body) {
            try {
                check(op);
            } catch (RuntimeException e) {
                try {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException ignored) {
                    // the client went away; the error is what matters
                }
                throw e;
            }
        }

        private synchronized void check(Op op) {
            for (Fault f : planned) {
                if (f.op != op) {
                    continue;
                }
                if (f.skip.get() > 0) {
                    f.skip.decrementAndGet();
                    continue;
                }
                if (f.times.get() > 0) {
                    f.times.decrementAndGet();
                    throw f.error.get();
                }
            }
        }

        @Override
        public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
            check(Op.CREATE_MULTIPART);
            return super.initiateMultipartUpload(request);
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request, InputStream in) {
            check(Op.UPLOAD_PART, in);
            return super.uploadMultipartPart(mpu, request, in);
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(
                MultipartUpload mpu, CompleteMultipartUploadRequest request) {
            check(Op.COMPLETE_MULTIPART);
            return super.completeMultipartUpload(mpu, request);
        }

        /**
         * s3proxy checks each non-last part against 5 MiB when it knows the part's size; reporting the size as
         * unknown (-1) lets small test parts through. The ETags, and so the completion check, are untouched.
         */
        @Override
        public List<Part> listMultipartUpload(MultipartUpload mpu) {
            List<Part> parts = super.listMultipartUpload(mpu);
            if (!smallParts) {
                return parts;
            }
            return parts.stream().map(p -> p.toBuilder().size(-1L).build()).toList();
        }

        @Override
        public void abortMultipartUpload(MultipartUpload mpu) {
            check(Op.ABORT_MULTIPART);
            super.abortMultipartUpload(mpu);
        }

        @Override
        public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
            if (!request.key().startsWith(".s3proxy-")) {
                check(Op.DELETE_OBJECT);
            }
            return super.removeBlob(request);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
            // s3proxy stores its own multipart bookkeeping through putBlob too; only client objects take faults.
            if (!request.key().startsWith(".s3proxy-")) {
                check(Op.PUT_OBJECT, in);
                request = beforePut(request);
            }
            return super.putBlob(request, in);
        }

        private record Fault(Op op, AtomicInteger skip, AtomicInteger times, Supplier<RuntimeException> error) {}
    }
}
