package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.testing.ChildTransfer;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A model of 10,000 declared columns in a JVM of 256 MiB of heap (below what the template's smallest function, 512
 * MB, gives its heap): memory must not grow with rows × columns before a row is read (#25 item 3).
 */
class WideModelTest {
    private static S3TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.lenient();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void tenThousandColumnsTransferInASmallHeap() throws Exception {
        String bucket = "wide-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        String[] columns = new String[10_000];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = "c" + c + ":bigint";
        }
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, "wide"), "wide", "2025-09-25T13:22:33.123Z", "w1", columns);
        ArrayNode rows = (ArrayNode) event.get("rows");
        for (int r = 0; r < 20; r++) {
            ObjectNode row = rows.addObject();
            for (int c = 0; c < columns.length; c += 7) {
                row.put("c" + c, (long) r * c);
            }
        }
        Path file = dir.resolve("wide.json");
        Files.writeString(file, event.toString());
        Path log = dir.resolve("wide.log");
        Process child = ChildTransfer.start(file, log);
        assertThat(child.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("\"rows\":20");
        try (S3Client s3 = server.client()) {
            String key = s3.listObjectsV2(r -> r.bucket(bucket).prefix("wide/wide/dt="))
                    .contents()
                    .get(0)
                    .key();
            Path parquet = Parquet.download(s3, bucket, key);
            Map<String, Object> agg = Parquet.query(
                            "SELECT count(*) AS n, sum(c9996) AS s FROM read_parquet('" + parquet + "')")
                    .get(0);
            assertThat(((Number) agg.get("n")).longValue()).isEqualTo(20);
            assertThat(((Number) agg.get("s")).longValue()).isEqualTo(190L * 9996);
        }
    }
}
