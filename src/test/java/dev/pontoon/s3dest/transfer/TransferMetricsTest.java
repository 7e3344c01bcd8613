package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.FaultProxy;
import dev.pontoon.s3dest.testing.FaultProxy.Fault;
import dev.pontoon.s3dest.testing.FaultProxy.Op;
import dev.pontoon.s3dest.testing.LogCapture;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The invocation's CloudWatch Embedded Metric Format line, read back as CloudWatch would parse it. */
class TransferMetricsTest {
    private static final S3TestServer SERVER = S3TestServer.shared();
    private static FaultProxy proxy;
    private static ExecutorService uploader;
    private static final List<String> LINES = new ArrayList<>();
    private static TransferService service;

    @BeforeAll
    static void start() throws Exception {
        proxy = new FaultProxy(SERVER.endpoint());
        uploader = Executors.newCachedThreadPool();
        service = new TransferService(
                new WriterSettings(64L << 20, 3000, 8L << 20, 1 << 20),
                65536,
                new S3ClientFactory(
                        new S3ClientFactory.Settings(
                                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), 3),
                        Loopback.env()),
                Json.MAPPER,
                uploader,
                LINES::add);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        uploader.shutdownNow();
    }

    @Test
    void aSuccessfulTransferEmitsItsFiguresAndRetries() throws Exception {
        proxy.clear();
        proxy.inject(Op.UPLOAD_PART, 1, 2, Fault.STATUS_503);
        LINES.clear();
        try (LogCapture logs = LogCapture.install()) {
            var result = service.transfer(EventParser.transferEvent(event(6500)));
            JsonNode emf = Json.read(LINES.get(0));
            JsonNode directive = emf.at("/_aws/CloudWatchMetrics/0");
            assertThat(directive.get("Namespace").asText()).isEqualTo("PontoonS3Destination");
            assertThat(directive.at("/Dimensions/0/0").asText()).isEqualTo("Model");
            List<String> names = new ArrayList<>();
            directive.get("Metrics").forEach(m -> {
                names.add(m.get("Name").asText());
                // Every declared metric has its value at the top level, as EMF requires.
                assertThat(emf.has(m.get("Name").asText())).isTrue();
            });
            assertThat(names)
                    .containsExactly("Rows", "Bytes", "Files", "DurationMs", "Retries", "AbortedUploads", "Failed");
            assertThat(emf.get("_aws").get("Timestamp").asLong()).isPositive();
            assertThat(emf.get("Model").asText()).isEqualTo("m");
            assertThat(emf.get("Rows").asLong()).isEqualTo(6500);
            assertThat(emf.get("Files").asInt()).isEqualTo(3);
            assertThat(emf.get("Bytes").asLong()).isEqualTo(result.bytes());
            assertThat(emf.get("Retries").asLong()).isEqualTo(2);
            assertThat(emf.get("AbortedUploads").asInt()).isZero();
            assertThat(emf.get("Failed").asInt()).isZero();
            assertThat(emf.get("TransferId").asText()).isEqualTo("test-transfer");
            assertThat(logs.all())
                    .contains("transfer test-transfer of model m batch b: 6500 rows", "rows/s, 2 retries)");
        }
    }

    @Test
    void aFailedTransferEmitsWhatItDidAndTheAbortedUpload() throws Exception {
        proxy.clear();
        proxy.inject(Op.UPLOAD_PART, 5, 1000, Fault.STATUS_500);
        LINES.clear();
        assertThatThrownBy(() -> service.transfer(EventParser.transferEvent(event(6500))));
        JsonNode emf = Json.read(LINES.get(0));
        assertThat(emf.get("Failed").asInt()).isEqualTo(1);
        assertThat(emf.get("AbortedUploads").asInt()).isEqualTo(1);
        assertThat(emf.get("Files").asInt()).isEqualTo(1); // the first file completed before the failure
        assertThat(emf.get("Retries").asLong()).isEqualTo(2); // two retries of the failing part, three tries in all
        proxy.clear();
    }

    private static ObjectNode event(int rows) {
        String bucket = "emf-" + UUID.randomUUID().toString().substring(0, 8);
        SERVER.createBucket(bucket);
        ObjectNode dest = Events.destination(SERVER, bucket, "metrics");
        dest.put("endpoint_url", proxy.endpoint().toString());
        return Events.idPayload(dest, rows);
    }
}
