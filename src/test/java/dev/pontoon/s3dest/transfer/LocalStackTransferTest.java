package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3MultipartOutputStream;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.Parquet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The same transfer against LocalStack's S3, with S3's real 5 MiB part minimum. Runs where Docker exists; skipped
 * cleanly where it does not (the in-process s3proxy tests cover the rest).
 */
@Testcontainers(disabledWithoutDocker = true)
@org.junit.jupiter.api.DisplayName(
        "LocalStackTransferTest (runs only where a Docker engine is reachable; skipped otherwise)")
class LocalStackTransferTest {
    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer("localstack/localstack:4.4").withServices("s3");

    @Test
    void aMultiPartMultiFileTransferLandsWholeOnLocalStack() throws Exception {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .forcePathStyle(true)
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            s3.createBucket(r -> r.bucket("exports"));

            ObjectNode event = (ObjectNode) Json.read(Files.readString(Path.of("events/transfer-inline.json")));
            ObjectNode dest = (ObjectNode) event.get("destination");
            dest.put("s3_bucket", "exports");
            dest.put("s3_region", LOCALSTACK.getRegion());
            dest.put("endpoint_url", LOCALSTACK.getEndpoint().toString());
            dest.put("aws_access_key_id", LOCALSTACK.getAccessKey());
            dest.put("aws_secret_access_key", LOCALSTACK.getSecretKey());
            dest.put("compression", "uncompressed");
            ArrayNode rows = event.putArray("rows");
            Random random = new Random(1);
            int n = 150_000;
            for (int i = 0; i < n; i++) {
                rows.addObject()
                        .put("id", i)
                        .put(
                                "email",
                                Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong())
                                        + "@example.com" + Long.toHexString(random.nextLong()));
            }
            // 5 MiB parts and ~12 MiB files: several parts per file, several files per batch.
            TransferService service = new TransferService(
                    new WriterSettings(12L << 20, 0, 8L << 20, 1 << 20),
                    S3MultipartOutputStream.MIN_PART_SIZE,
                    new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()),
                    Json.MAPPER,
                    Executors.newCachedThreadPool());
            TransferResult result = service.transfer(EventParser.transferEvent(event));

            assertThat(result.files().size()).isGreaterThan(1);
            long total = 0;
            for (FileResult f : result.files()) {
                assertThat(f.key()).startsWith("exports/leads/dt=2025-09-25/20250925132233_1758806553123_");
                total += Parquet.count(Parquet.download(s3, "exports", f.key()));
            }
            assertThat(total).isEqualTo(n);
            assertThat(s3.listMultipartUploads(r -> r.bucket("exports")).uploads())
                    .isEmpty();
        }
    }
}
