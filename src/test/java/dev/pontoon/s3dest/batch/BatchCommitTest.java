package dev.pontoon.s3dest.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Batches;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.transfer.TransferService;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The commit of a batch (SPEC §10) against the in-process S3 server: chunks run first, as the state machine does. */
class BatchCommitTest {
    private static final String PREFIX = "stage/run-1/";
    private static final S3TestServer SERVER = S3TestServer.shared();
    private static ExecutorService uploader;
    private static TransferService transfers;
    private static BatchCommitter committer;
    private String bucket;
    private String staging;

    @BeforeAll
    static void services() {
        uploader = Executors.newCachedThreadPool();
        S3ClientFactory clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env());
        transfers = new TransferService(
                new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20), 65536, clients, Json.MAPPER, uploader);
        committer = new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
    }

    @AfterAll
    static void stop() {
        uploader.shutdownNow();
    }

    @BeforeEach
    void buckets() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        bucket = "bat-" + id;
        staging = "bst-" + id;
        SERVER.createBucket(bucket);
        SERVER.createBucket(staging);
    }

    @Test
    void aCompleteBatchIsCommittedWithEveryFileOnceAndTwiceGivesTheSameBytes() throws Exception {
        ObjectNode input = stageAndInput(5, 100, "b1");
        run(input, 0, 2);
        run(input, 2, 2);
        run(input, 4, 1);
        CommitResult result = committer.commit(EventParser.batch(input));
        assertThat(result.status()).isEqualTo("committed");
        assertThat(result.rows()).isEqualTo(500);
        assertThat(result.files()).isEqualTo(3);
        assertThat(result.partitions()).containsExactly("dt=2025-09-25");
        assertThat(result.manifest()).isEqualTo("exports/orders/_batches/20250925132233_b1.json");

        JsonNode manifest = read(result.manifest());
        assertThat(manifest.get("status").asText()).isEqualTo("complete");
        assertThat(manifest.get("sources").asInt()).isEqualTo(5);
        // File indexes come from the objects' positions: chunks start at 0, 2000 and 4000 and never collide.
        assertThat(manifest.get("files"))
                .extracting(f -> f.get("key").asText())
                .containsExactly(
                        "exports/orders/dt=2025-09-25/20250925132233_b1_0.parquet",
                        "exports/orders/dt=2025-09-25/20250925132233_b1_2000.parquet",
                        "exports/orders/dt=2025-09-25/20250925132233_b1_4000.parquet");
        // Exactly the data files that exist, each once; DuckDB reads every row once.
        List<String> dataKeys = keys("exports/orders/dt=");
        assertThat(manifest.get("files"))
                .extracting(f -> f.get("key").asText())
                .containsExactlyInAnyOrderElementsOf(dataKeys);
        long rows = 0;
        try (S3Client s3 = SERVER.client()) {
            for (String key : dataKeys) {
                rows += Parquet.count(Parquet.download(s3, bucket, key));
            }
        }
        assertThat(rows).isEqualTo(500);

        byte[] first = bytes(result.manifest());
        assertThat(committer.commit(EventParser.batch(input))).isEqualTo(result);
        assertThat(bytes(result.manifest())).isEqualTo(first);
    }

    @Test
    void aMissingChunkCommitsNothingAndNamesWhatIsMissing() {
        ObjectNode input = stageAndInput(9, 10, "b2");
        run(input, 0, 2);
        run(input, 4, 2);
        assertThatThrownBy(() -> committer.commit(EventParser.batch(input)))
                .isInstanceOf(BatchIncompleteException.class)
                .hasMessage("batch b2 of model orders is incomplete: 5 of 9 staged objects under s3://" + staging + "/"
                        + PREFIX + " are in no complete chunk manifest: " + uri(2) + ", " + uri(3) + ", " + uri(6)
                        + ", "
                        + uri(7) + ", " + uri(8) + "; nothing was committed");
        assertThat(keys("exports/orders/_batches/")).isEmpty();

        run(input, 6, 3);
        assertThatThrownBy(() -> committer.commit(EventParser.batch(input)))
                .hasMessageContaining("2 of 9")
                .hasMessageContaining(uri(2) + ", " + uri(3) + ";");
        run(input, 2, 2);
        assertThat(committer.commit(EventParser.batch(input)).files()).isEqualTo(4);
    }

    @Test
    void aChunkOfAnotherBatchDoesNotCount() {
        ObjectNode input = stageAndInput(2, 10, "b3");
        ObjectNode other = input.deepCopy();
        ((ObjectNode) other.get("transfer")).put("batch_id", "b3_other");
        run(input, 0, 1);
        run(other, 1, 1); // its manifest key starts like b3's, but it names batch b3_other
        assertThatThrownBy(() -> committer.commit(EventParser.batch(input)))
                .isInstanceOf(BatchIncompleteException.class)
                .hasMessageContaining("1 of 2 staged objects")
                .hasMessageContaining(uri(1));
        assertThat(keys("exports/orders/_batches/")).isEmpty();
    }

    @Test
    void anEmptyStagingPrefixCommitsAnEmptyBatch() throws Exception {
        ObjectNode input = stageAndInput(0, 0, "b4");
        CommitResult result = committer.commit(EventParser.batch(input));
        assertThat(result.files()).isZero();
        assertThat(result.partitions()).isEmpty();
        JsonNode manifest = read(result.manifest());
        assertThat(manifest.get("files")).isEmpty();
        assertThat(manifest.get("sources").asInt()).isZero();
        assertThat(manifest.get("columns"))
                .extracting(c -> c.get("name").asText())
                .containsExactly("id", "note", "pontoon__batch_id", "pontoon__last_synced_at");
    }

    @Test
    void aDirectEventWithCommitTrueIsItsOwnWholeBatch() throws Exception {
        ObjectNode event = Events.idPayload(Events.destination(SERVER, bucket, "direct"), 2500);
        event.put("commit", true);
        TransferResult result = transfers.transfer(EventParser.transferEvent(event));
        assertThat(result.batchManifest()).isEqualTo("direct/m/_batches/20250925132233_b.json");
        JsonNode manifest = read(result.batchManifest());
        assertThat(manifest.get("files"))
                .extracting(f -> f.get("key").asText())
                .containsExactlyElementsOf(
                        result.files().stream().map(f -> f.key()).toList());
        assertThat(manifest.get("rows").asLong()).isEqualTo(2500);
        assertThat(manifest.get("sources").asInt()).isZero();
        assertThat(Json.MAPPER.writeValueAsString(result)).contains("\"batch_manifest\":");

        event.remove("commit");
        assertThat(Json.MAPPER.writeValueAsString(transfers.transfer(EventParser.transferEvent(event))))
                .doesNotContain("batch_manifest");
    }

    @Test
    void aChunkDerivesItsFileIndexesAndListsItsSources() throws Exception {
        ObjectNode input = stageAndInput(3, 10, "b5");
        TransferResult result = run(input, 1, 2);
        assertThat(result.files())
                .extracting(f -> f.key())
                .containsExactly("exports/orders/dt=2025-09-25/20250925132233_b5_1000.parquet");
        JsonNode manifest = read("exports/orders/_manifests/20250925132233_b5_1000.json");
        assertThat(manifest.get("sources")).extracting(JsonNode::asText).containsExactly(uri(1), uri(2));

        ObjectNode gap = Batches.chunk(input, PREFIX, 0, 2);
        ((ObjectNode) gap.get("Items").get(1)).put("index", 5);
        assertThatThrownBy(() -> EventParser.chunk(gap))
                .hasMessage(
                        "Items[1].index: 5 does not follow 0: a chunk's objects must be consecutive in the listing");
        ObjectNode misspelt = Batches.chunk(input, PREFIX, 0, 1);
        ((ObjectNode) misspelt.get("BatchInput").get("transfer")).put("bach_id", "x");
        assertThatThrownBy(() -> EventParser.chunk(misspelt))
                .hasMessage("BatchInput.transfer.bach_id: unknown field; did you mean 'batch_id'?");
    }

    private ObjectNode stageAndInput(int files, int rowsEach, String batchId) {
        try (S3Client s3 = SERVER.client()) {
            Batches.stage(s3, staging, PREFIX, files, rowsEach);
        }
        return Batches.input(SERVER, bucket, staging, PREFIX, batchId);
    }

    private TransferResult run(ObjectNode input, int first, int count) {
        ObjectNode chunk = Batches.chunk(input, PREFIX, first, count);
        ((ObjectNode) chunk.get("BatchInput").get("source"))
                .put("endpoint_url", SERVER.endpoint().toString());
        return transfers.transfer(EventParser.chunk(chunk));
    }

    private String uri(int index) {
        return "s3://" + staging + "/" + PREFIX + String.format("part-%04d.jsonl", index);
    }

    private JsonNode read(String key) throws Exception {
        return Json.MAPPER.readTree(bytes(key));
    }

    private byte[] bytes(String key) {
        try (S3Client s3 = SERVER.client()) {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        }
    }

    private List<String> keys(String prefix) {
        try (S3Client s3 = SERVER.client()) {
            return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        }
    }
}
