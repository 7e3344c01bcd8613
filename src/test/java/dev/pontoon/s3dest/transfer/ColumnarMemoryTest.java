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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Staged Parquet in a JVM of 256 MiB of heap (below what the template's smallest function, 512 MB, gives its heap;
 * SPEC §13's bound is an eighth of the heap, 32 MiB here): a row group whose needed column chunks are larger is
 * refused naming the object and the row group, before it is fetched; the same rows in smaller row groups land.
 */
class ColumnarMemoryTest {
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
    void aRowGroupAboveTheBoundIsRefusedNamingItAndSmallerOnesLandInTheSameHeap() throws Exception {
        String bucket = "colmem-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        // 600,000 rows of 64 hexadecimal characters, uncompressed: about 40 MB of one column in one row group
        String rows = "SELECT range AS id, md5(range::VARCHAR) || md5((range * 7)::VARCHAR) AS s FROM range(600000)";
        Path big = dir.resolve("big.parquet");
        Parquet.execute("COPY (" + rows + ") TO '" + big + "' (FORMAT PARQUET, COMPRESSION uncompressed, "
                + "ROW_GROUP_SIZE 1000000)");
        Path small = dir.resolve("small.parquet");
        Parquet.execute("COPY (" + rows + ") TO '" + small + "' (FORMAT PARQUET, COMPRESSION snappy, "
                + "ROW_GROUP_SIZE 61440)");
        try (S3Client s3 = server.client()) {
            s3.putObject(r -> r.bucket(bucket).key("staging/big.parquet"), RequestBody.fromFile(big));
            s3.putObject(r -> r.bucket(bucket).key("staging/small.parquet"), RequestBody.fromFile(small));
        }

        String refused = run(bucket, "big", "staging/big.parquet");
        assertThat(refused)
                .contains("staging/big.parquet: row group 1 needs")
                .contains("bytes of column chunks, more than the")
                .doesNotContain("OutOfMemoryError");
        String landed = run(bucket, "small", "staging/small.parquet");
        assertThat(landed).contains("\"rows\":600000").doesNotContain("OutOfMemoryError");
    }

    private String run(String bucket, String name, String key) throws Exception {
        ObjectNode event = Events.transfer(
                Events.destination(server, bucket, name),
                "wide",
                "2025-09-25T13:22:33.123Z",
                "m1",
                "id:bigint!",
                "s:string");
        event.remove("rows");
        ObjectNode source = event.putObject("source");
        source.put("format", "parquet");
        ((ArrayNode) source.putArray("uris")).add("s3://" + bucket + "/" + key);
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, event.toString());
        Path log = dir.resolve(name + ".log");
        Process child = ChildTransfer.start(file, log);
        assertThat(child.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return Files.readString(log);
    }
}
