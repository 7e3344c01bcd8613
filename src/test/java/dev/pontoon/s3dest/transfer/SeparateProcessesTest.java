package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.ChildTransfer;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.S3TestServer.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * What only separate processes show (SPEC §8): two sandboxes write the same bytes for the same event, and a sandbox
 * killed mid-file leaves an upload that the event's redelivery aborts.
 */
class SeparateProcessesTest {
    private static S3TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.lenient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void twoProcessesWriteTheSameBytesForTheSameEvent() throws Exception {
        Map<String, String> first = runInChild(bucket(), "p0");
        assertThat(first).hasSize(2);
        // Same keys (the bucket differs) and the same SHA-256 for every object, data files and manifest alike. Four
        // processes: a per-process hash order (Map.of's) would agree by chance in one run of eight at most.
        for (int i = 1; i < 4; i++) {
            assertThat(runInChild(bucket(), "p" + i)).as("process " + i).isEqualTo(first);
        }
    }

    @Test
    void aRedeliveryAbortsTheUploadOfASandboxKilledMidFile() throws Exception {
        String bucket = bucket();
        ObjectNode event = Events.idPayload(Events.destination(server, bucket, "killed"), 3000);
        Path file = dir.resolve("event.json");
        Files.writeString(file, event.toString());

        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The child's CompleteMultipartUpload of its first file hangs until the child is dead.
        server.faults().inject(Op.COMPLETE_MULTIPART, 0, 1, () -> {
            reached.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return S3TestServer.Faults.s3Error(500, "InternalError", "the client is gone");
        });
        Process child = ChildTransfer.start(file, dir.resolve("killed.log"));
        try {
            assertThat(reached.await(60, TimeUnit.SECONDS))
                    .as(Files.readString(dir.resolve("killed.log")))
                    .isTrue();
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            release.countDown(); // first: the hanging fault holds the fault list's lock
            server.faults().clear();
        }
        try (S3Client s3 = server.client()) {
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads())
                    .as("the killed attempt's upload")
                    .hasSize(1);
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();

            // The redelivery, through the same handler code, in this process.
            var out = new java.io.ByteArrayOutputStream();
            dev.pontoon.s3dest.handler.TransferHandler.standalone()
                    .handleRequest(
                            new java.io.ByteArrayInputStream(event.toString().getBytes()), out, null);
            assertThat(Json.read(out.toString()).get("rows").asLong()).isEqualTo(3000);
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads())
                    .extracting(MultipartUpload::key)
                    .as("open uploads after the redelivery")
                    .isEmpty();
        }
    }

    /** Runs the same event (but for its bucket) in a new JVM; the SHA-256 of each object by key. */
    private Map<String, String> runInChild(String bucket, String name) throws Exception {
        ObjectNode event = Events.idPayload(Events.destination(server, bucket, "same"), 2000);
        event.put("batch_id", "1758806553123");
        ((ObjectNode) event.get("destination")).put("compression", "snappy");
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, event.toString());
        Path log = dir.resolve(name + ".log");
        Process child = ChildTransfer.start(file, log);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(log)).isZero();
        Map<String, String> digests = new TreeMap<>();
        try (S3Client s3 = server.client()) {
            for (var o : s3.listObjectsV2(r -> r.bucket(bucket)).contents()) {
                byte[] bytes =
                        s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray();
                digests.put(
                        o.key(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
        }
        return digests;
    }

    private static String bucket() {
        String bucket = "proc-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        return bucket;
    }
}
