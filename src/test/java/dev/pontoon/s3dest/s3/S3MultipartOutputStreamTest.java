package dev.pontoon.s3dest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.S3TestServer.Faults;
import dev.pontoon.s3dest.testing.S3TestServer.Op;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The stream against a server that, like S3, rejects non-last parts below 5 MiB: real part sizes only. */
class S3MultipartOutputStreamTest {
    private static final int PART = S3MultipartOutputStream.MIN_PART_SIZE;
    private static S3TestServer server;
    private static ExecutorService uploader;
    private S3Client s3;
    private String bucket;
    private static int buckets;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.strict();
        uploader = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        server.close();
        uploader.shutdownNow();
    }

    @BeforeEach
    void bucket() {
        bucket = "stream-" + (++buckets);
        server.createBucket(bucket);
        s3 = server.client();
    }

    @AfterEach
    void close() {
        server.faults().clear();
        s3.close();
    }

    @Test
    void aLargeObjectGoesUpInPartsAndIsVisibleOnlyAfterCommit() throws Exception {
        byte[] data = random(2 * PART + 123_457);
        S3MultipartOutputStream out = stream("big.bin");
        // Odd-sized writes cross part boundaries.
        for (int off = 0; off < data.length; off += 100_003) {
            out.write(data, off, Math.min(100_003, data.length - off));
        }
        assertThat(out.getPos()).isEqualTo(data.length);
        assertThat(keys()).isZero();
        out.commit();
        out.close();
        assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("big.bin")).asByteArray())
                .isEqualTo(data);
        assertThat(s3.headObject(r -> r.bucket(bucket).key("big.bin")).eTag()).endsWith("-3\"");
        assertThat(openUploads()).isZero();
    }

    @Test
    void anObjectWithinOnePartIsOnePutObject() throws Exception {
        byte[] data = random(PART);
        try (S3MultipartOutputStream out = stream("small.bin")) {
            out.write(data);
            out.commit();
        }
        assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("small.bin")).asByteArray())
                .isEqualTo(data);
        assertThat(s3.headObject(r -> r.bucket(bucket).key("small.bin")).eTag()).doesNotContain("-");
    }

    @Test
    void closeWithoutCommitAbortsTheUpload() throws Exception {
        S3MultipartOutputStream out = stream("abandoned.bin");
        out.write(random(PART + 10));
        out.write(random(PART));
        assertThat(openUploads()).isEqualTo(1);
        out.close();
        assertThat(openUploads()).isZero();
        assertThat(keys()).isZero();
        assertThatThrownBy(() -> out.write(1)).hasMessageContaining("closed");
    }

    @Test
    void aFailedPartFailsTheStreamAndCloseLeavesNothing() throws Exception {
        server.faults().inject(Op.UPLOAD_PART, 1, 10, () -> Faults.s3Error(403, "AccessDenied", "Access Denied"));
        S3MultipartOutputStream out = stream("denied.bin");
        assertThatThrownBy(() -> {
                    out.write(random(4 * PART));
                    out.commit();
                })
                .isInstanceOf(S3PermanentException.class)
                .hasMessage("UploadPart 2 on s3://" + bucket + "/denied.bin failed: AccessDenied (Access Denied)");
        out.close();
        assertThat(openUploads()).isZero();
        assertThat(keys()).isZero();
    }

    private S3MultipartOutputStream stream(String key) {
        return new S3MultipartOutputStream(
                s3, new ObjectTarget(bucket, key, "application/octet-stream"), PART, uploader);
    }

    private int keys() {
        return s3.listObjectsV2(r -> r.bucket(bucket)).contents().size();
    }

    private int openUploads() {
        return s3.listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
