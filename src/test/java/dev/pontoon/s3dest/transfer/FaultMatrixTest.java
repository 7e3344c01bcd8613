package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3TransientException;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.FaultProxy;
import dev.pontoon.s3dest.testing.FaultProxy.Fault;
import dev.pontoon.s3dest.testing.FaultProxy.Op;
import dev.pontoon.s3dest.testing.LogCapture;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Faults on every write call of a transfer of several multi-part files, from a proxy in front of the real server:
 * S3's 500 and 503 SlowDown, a connection reset in the middle of the request body, and a response slower than the
 * client's timeout. Transient faults are retried by the SDK and the data lands whole; persistent ones fail with a
 * retryable error, leave no open upload and no partial file, and the error names the files that did complete.
 */
class FaultMatrixTest {
    /** 6,500 rows cut at 3,000 per file: two files of four 64 KiB parts each, then one small PutObject file. */
    private static final int ROWS = 6500;

    private static final S3TestServer SERVER = S3TestServer.shared();
    private static FaultProxy proxy;
    private static ExecutorService uploader;
    private static TransferService service;

    @BeforeAll
    static void start() throws Exception {
        proxy = new FaultProxy(SERVER.endpoint()).slowFor(2_500);
        uploader = Executors.newCachedThreadPool();
        // Short timeouts so a slow response costs seconds; three tries per call.
        S3ClientFactory clients = new S3ClientFactory(
                new S3ClientFactory.Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), 3),
                Loopback.env());
        service = new TransferService(
                new WriterSettings(64L << 20, 3000, 8L << 20, 1 << 20), 65536, clients, Json.MAPPER, uploader);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        uploader.shutdownNow();
    }

    /** The faults a retry can get past (KMS_DENIED is a permission, not a transient fault). */
    private static final List<Fault> TRANSIENT = List.of(Fault.STATUS_500, Fault.STATUS_503, Fault.RESET, Fault.SLOW);

    static Stream<Arguments> transientFaults() {
        List<Arguments> cases = new ArrayList<>();
        for (Fault fault : TRANSIENT) {
            cases.add(Arguments.of(Op.CREATE_MULTIPART, 0, fault));
            cases.add(Arguments.of(Op.CREATE_MULTIPART, 1, fault));
            cases.add(Arguments.of(Op.UPLOAD_PART, 0, fault));
            cases.add(Arguments.of(Op.UPLOAD_PART, 5, fault));
            cases.add(Arguments.of(Op.COMPLETE_MULTIPART, 0, fault));
            cases.add(Arguments.of(Op.COMPLETE_MULTIPART, 1, fault));
            cases.add(Arguments.of(Op.PUT_OBJECT, 0, fault));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{2} once on {0} after {1} calls: retried, data whole")
    @MethodSource("transientFaults")
    void aTransientFaultIsRetriedAndTheDataLandsWhole(Op op, int skip, Fault fault) throws Exception {
        String bucket = bucket();
        proxy.clear();
        proxy.inject(op, skip, 1, fault);
        TransferResult result = service.transfer(EventParser.transferEvent(event(bucket)));
        assertThat(proxy.log()).contains(op + " " + fault);
        assertThat(result.files()).hasSize(3);
        assertWhole(bucket, result.files(), ROWS);
        assertNoOpenUploads(bucket);
    }

    static Stream<Arguments> persistentFaults() {
        List<Arguments> cases = new ArrayList<>();
        for (Fault fault : TRANSIENT) {
            cases.add(Arguments.of(Op.CREATE_MULTIPART, 1, fault, 1));
            cases.add(Arguments.of(Op.UPLOAD_PART, 5, fault, 1));
            cases.add(Arguments.of(Op.COMPLETE_MULTIPART, 0, fault, 0));
            cases.add(Arguments.of(Op.PUT_OBJECT, 0, fault, 2));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{2} always on {0} after {1} calls: fails retryable, {3} whole files, no upload left")
    @MethodSource("persistentFaults")
    void aPersistentFaultFailsRetryablyAndLeavesOnlyWholeFiles(Op op, int skip, Fault fault, int completed)
            throws Exception {
        String bucket = bucket();
        proxy.clear();
        proxy.inject(op, skip, 1000, fault);
        assertThatThrownBy(() -> service.transfer(EventParser.transferEvent(event(bucket))))
                .isInstanceOf(S3TransientException.class)
                .satisfies(e -> {
                    List<String> keys = dataKeys(bucket);
                    // A slow answer to the call that completes a file can arrive after the client gave up: the file
                    // is then whole on the server although the transfer could not know it.
                    boolean answerLost = fault == Fault.SLOW && (op == Op.COMPLETE_MULTIPART || op == Op.PUT_OBJECT);
                    assertThat(keys).hasSizeBetween(completed, answerLost ? completed + 1 : completed);
                    if (completed > 0) {
                        assertThat(e.getMessage()).contains("completed before the failure");
                        keys.subList(0, completed)
                                .forEach(k -> assertThat(e.getMessage()).contains(k));
                    } else {
                        assertThat(e.getMessage()).doesNotContain("completed before the failure");
                    }
                });
        proxy.clear();
        for (String key : dataKeys(bucket)) {
            try (S3Client s3 = SERVER.client()) {
                assertThat(Parquet.count(Parquet.download(s3, bucket, key))).isIn(3000L, 500L);
            }
        }
        assertThat(allKeys(bucket)).noneMatch(k -> k.contains("_manifests/"));
        assertNoOpenUploads(bucket);
    }

    @Test
    void anAbortThatFailsOnceIsRetriedAndKeepsTheOriginalCause() throws Exception {
        String bucket = bucket();
        proxy.clear();
        proxy.inject(Op.UPLOAD_PART, 2, 1000, Fault.STATUS_500);
        proxy.inject(Op.ABORT_MULTIPART, 0, 1, Fault.STATUS_503);
        assertThatThrownBy(() -> service.transfer(EventParser.transferEvent(event(bucket))))
                .isInstanceOf(S3TransientException.class)
                .hasMessageContaining("UploadPart 3");
        assertThat(proxy.log()).contains("ABORT_MULTIPART STATUS_503", "ABORT_MULTIPART pass");
        assertNoOpenUploads(bucket);
    }

    @Test
    void anAbortThatKeepsFailingIsLoggedWithUploadIdAndKeyAndSuppressedUnderTheCause() throws Exception {
        String bucket = bucket();
        proxy.clear();
        proxy.inject(Op.UPLOAD_PART, 2, 1000, Fault.STATUS_500);
        proxy.inject(Op.ABORT_MULTIPART, 0, 1000, Fault.STATUS_500);
        try (LogCapture logs = LogCapture.install()) {
            assertThatThrownBy(() -> service.transfer(EventParser.transferEvent(event(bucket))))
                    .isInstanceOf(S3TransientException.class)
                    .hasMessageContaining("UploadPart 3")
                    .satisfies(e -> assertThat(e.getSuppressed())
                            .anySatisfy(s -> assertThat(s.getMessage()).contains("AbortMultipartUpload (upload ")));
            String uploadId;
            try (S3Client s3 = SERVER.client()) {
                var uploads = s3.listMultipartUploads(r -> r.bucket(bucket)).uploads();
                assertThat(uploads).hasSize(1); // left for the bucket's AbortIncompleteMultipartUpload rule
                uploadId = uploads.get(0).uploadId();
                proxy.clear();
                s3.abortMultipartUpload(r -> r.bucket(bucket)
                        .key(uploads.get(0).key())
                        .uploadId(uploads.get(0).uploadId()));
            }
            assertThat(logs.all())
                    .contains("could not abort multipart upload " + uploadId + " of s3://" + bucket + "/");
        }
    }

    @Test
    void theTransferStopsBeforeTheDeadlineWithItsUploadAborted() throws Exception {
        String bucket = bucket();
        proxy.clear();
        // 1 ms left once the 0 ms margin is taken: the first deadline check stops the transfer.
        assertThatThrownBy(() -> service.transfer(
                        EventParser.transferEvent(event(bucket)), Deadline.fromRemaining(1, Duration.ZERO)))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageStartingWith("stopped before the Lambda deadline after 1024 rows");
        assertThat(allKeys(bucket)).isEmpty();
        assertNoOpenUploads(bucket);
    }

    private static ObjectNode event(String bucket) {
        ObjectNode dest = Events.destination(SERVER, bucket, "faults");
        dest.put("endpoint_url", proxy.endpoint().toString());
        return Events.idPayload(dest, ROWS);
    }

    private static String bucket() {
        String bucket = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        SERVER.createBucket(bucket);
        return bucket;
    }

    private static void assertWhole(String bucket, List<FileResult> files, long rows) throws Exception {
        long total = 0;
        long sum = 0;
        try (S3Client s3 = SERVER.client()) {
            for (FileResult f : files) {
                var file = Parquet.download(s3, bucket, f.key());
                Map<String, Object> agg = Parquet.query(
                                "SELECT count(*) AS n, sum(id) AS s FROM read_parquet('" + file + "')")
                        .get(0);
                total += ((Number) agg.get("n")).longValue();
                sum += ((Number) agg.get("s")).longValue();
            }
        }
        assertThat(total).isEqualTo(rows);
        assertThat(sum).isEqualTo(rows * (rows - 1) / 2);
    }

    private static List<String> allKeys(String bucket) {
        try (S3Client s3 = SERVER.client()) {
            return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        }
    }

    private static List<String> dataKeys(String bucket) {
        return allKeys(bucket).stream().filter(k -> k.endsWith(".parquet")).toList();
    }

    private static void assertNoOpenUploads(String bucket) {
        try (S3Client s3 = SERVER.client()) {
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
        }
    }
}
