package dev.pontoon.s3dest.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.event.FunctionFailedException;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.transfer.TransferService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An {@link Error} inside a call (here: the part uploader cannot load a class) leaves the handler as the project's
 * {@link FunctionFailedException}, after the transfer aborted its upload: Quarkus's poll loop catches exceptions
 * only, and an error would end it, leaving the invocation to hang until its timeout.
 */
class HandlerErrorsTest {
    private final S3TestServer server = S3TestServer.shared();

    /** An uploader whose every task fails to start with an error, as a class that cannot load would. */
    private static final class BrokenUploader extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            throw new NoClassDefFoundError("simulated/MissingClass");
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Test
    void anErrorInsideATransferIsTheFunctionsOwnFailureAndItsUploadIsAborted() throws Exception {
        String bucket = "err-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        // 64 KiB parts: the file goes multipart, and its first part meets the broken uploader.
        TransferService service = new TransferService(
                new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20),
                64 * 1024,
                new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()),
                Json.MAPPER,
                new BrokenUploader());
        var event = Events.idPayload(Events.destination(server, bucket, "exports"), 5000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> TransferHandler.over(service)
                        .handleRequest(
                                new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null))
                .isInstanceOf(FunctionFailedException.class)
                .hasMessageContaining("java.lang.NoClassDefFoundError (simulated/MissingClass)")
                .hasCauseInstanceOf(NoClassDefFoundError.class);
        try (S3Client s3 = server.client()) {
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
        }
    }
}
