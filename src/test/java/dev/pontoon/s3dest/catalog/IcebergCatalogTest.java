package dev.pontoon.s3dest.catalog;

import static dev.pontoon.s3dest.testing.IcebergFixture.ORDERS;
import static dev.pontoon.s3dest.testing.IcebergFixture.ROWS_B1;
import static dev.pontoon.s3dest.testing.IcebergFixture.columns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionResult;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.IcebergFixture;
import dev.pontoon.s3dest.testing.LogCapture;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Iceberg tables at commit (SPEC §11), against Iceberg's own REST catalog servlet in process (a JDBC catalog in
 * SQLite, S3FileIO on the test S3 server). This suite runs as production does, without Hadoop; reading the rows
 * back with Iceberg's reader, which needs Hadoop, is {@code IcebergReadBackTest}.
 */
class IcebergCatalogTest {
    private IcebergFixture ice;

    @BeforeEach
    void setUp() throws Exception {
        ice = new IcebergFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        ice.close();
    }

    @Test
    void theFirstCommitCreatesTheTableAndAppendsTheBatchAsOneSnapshotWithFooterStatistics() throws Exception {
        ObjectNode input = ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1);
        CommitResult result = ice.commitAfterChunks(input);

        Table table = ice.rest.backend().loadTable(ORDERS);
        assertThat(table.location()).isEqualTo("s3://" + ice.bucket + "/exports/orders");
        assertThat(table.schema().columns())
                .extracting(f -> f.name() + " " + f.type() + (f.isRequired() ? " required" : ""))
                .containsExactly(
                        "id long required",
                        "amount decimal(12, 2)",
                        "big decimal(30, 4)",
                        "note string",
                        "at timestamptz",
                        "local timestamp",
                        "day date",
                        "t time",
                        "flag boolean",
                        "n int",
                        "f float",
                        "d double",
                        "doc string",
                        "blob binary",
                        "pontoon__batch_id string",
                        "pontoon__last_synced_at timestamptz");
        assertThat(table.spec().fields()).singleElement().satisfies(f -> {
            assertThat(f.transform().toString()).isEqualTo("day");
            assertThat(table.schema().findColumnName(f.sourceId())).isEqualTo("pontoon__last_synced_at");
        });
        // The files carry no field ids: the name mapping maps every column.
        assertThat(NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING))
                        .asMappedFields()
                        .fields())
                .hasSize(16);

        // One snapshot, holding exactly the batch manifest's files.
        assertThat(table.snapshots()).hasSize(1);
        Snapshot snapshot = table.currentSnapshot();
        assertThat(snapshot.summary()).containsEntry("pontoon.batch_id", "b1").containsEntry("added-records", "3");
        List<DataFile> files = dataFiles(table, snapshot);
        assertThat(files)
                .extracting(f -> f.location() + " " + f.recordCount() + " " + f.fileSizeInBytes())
                .containsExactlyElementsOf(manifestFiles(result.manifest()));
        assertThat(files.get(0).partition().get(0, Integer.class))
                .isEqualTo((int) LocalDate.parse("2025-09-25").toEpochDay());

        // Statistics equal to what DuckDB computes from the file itself.
        DataFile file = files.get(0);
        Path local = download(file);
        Map<String, Object> duck = Parquet.query("SELECT min(id) AS id_min, max(id) AS id_max, "
                        + "min(amount)::VARCHAR AS amount_min, max(amount)::VARCHAR AS amount_max, "
                        + "min(big)::VARCHAR AS big_min, max(big)::VARCHAR AS big_max, "
                        + "epoch_us(min(\"at\")) AS at_min, epoch_us(max(\"at\")) AS at_max, "
                        + "min(n) AS n_min, max(n) AS n_max, min(d) AS d_min, max(d) AS d_max, "
                        + "min(\"day\")::VARCHAR AS day_min, max(\"day\")::VARCHAR AS day_max, "
                        + "count(*) - count(note) AS note_nulls FROM read_parquet('" + local + "')")
                .get(0);
        assertThat(bound(table, file, "id", true)).isEqualTo(((Number) duck.get("id_min")).longValue());
        assertThat(bound(table, file, "id", false)).isEqualTo(((Number) duck.get("id_max")).longValue());
        assertThat(bound(table, file, "amount", true).toString()).isEqualTo(duck.get("amount_min"));
        assertThat(bound(table, file, "amount", false).toString()).isEqualTo(duck.get("amount_max"));
        assertThat(bound(table, file, "big", true).toString()).isEqualTo(duck.get("big_min"));
        assertThat(bound(table, file, "big", false).toString()).isEqualTo(duck.get("big_max"));
        assertThat(bound(table, file, "at", true)).isEqualTo(((Number) duck.get("at_min")).longValue());
        assertThat(bound(table, file, "at", false)).isEqualTo(((Number) duck.get("at_max")).longValue());
        assertThat(bound(table, file, "n", true)).isEqualTo(((Number) duck.get("n_min")).intValue());
        assertThat(bound(table, file, "n", false)).isEqualTo(((Number) duck.get("n_max")).intValue());
        assertThat(bound(table, file, "d", true)).isEqualTo(((Number) duck.get("d_min")).doubleValue());
        assertThat(bound(table, file, "d", false)).isEqualTo(((Number) duck.get("d_max")).doubleValue());
        assertThat(LocalDate.ofEpochDay((Integer) bound(table, file, "day", true)))
                .hasToString((String) duck.get("day_min"));
        assertThat(LocalDate.ofEpochDay((Integer) bound(table, file, "day", false)))
                .hasToString((String) duck.get("day_max"));
        // A long string's bounds are shortened the way Iceberg's own writers do it: 16 characters.
        assertThat(bound(table, file, "note", true).toString()).isEqualTo("a");
        assertThat(bound(table, file, "note", false).toString()).isEqualTo("a much longer np");
        int note = table.schema().findField("note").fieldId();
        assertThat(file.nullValueCounts().get(note)).isEqualTo(((Number) duck.get("note_nulls")).longValue());
        assertThat(file.valueCounts().get(note)).isEqualTo(3L);
        assertThat(file.columnSizes()).containsKey(note);

        // Catalog first, manifest last: the manifest exists, and the same commit again adds nothing.
        assertThat(ice.commit(input)).isEqualTo(result);
        assertThat(ice.rest.backend().loadTable(ORDERS).snapshots()).hasSize(1);
    }

    @Test
    void twoBatchesAreTwoSnapshotsAndAColumnTheModelGainedIsAddedAndMapped() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode next = ice.input("b2", "2025-09-26T08:00:00Z", "{\"id\": 4, \"n\": 5, \"coupon\": \"SAVE\"}\n");
        columns(next).addObject().put("name", "coupon").put("type", "string");
        // int to bigint is a promotion Iceberg allows.
        ((ObjectNode) columns(next).get(9)).put("type", "bigint");
        ice.commitAfterChunks(next);

        Table table = ice.rest.backend().loadTable(ORDERS);
        assertThat(table.snapshots())
                .extracting(s -> s.summary().get("pontoon.batch_id"))
                .containsExactly("b1", "b2");
        assertThat(table.currentSnapshot().summary()).containsEntry("total-records", "4");
        assertThat(table.schema().findField("coupon").isOptional()).isTrue();
        assertThat(table.schema().findField("n").type()).isEqualTo(Types.LongType.get());
        assertThat(NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING))
                        .find("coupon"))
                .isNotNull();
        assertThat(dataFiles(table, table.currentSnapshot()))
                .singleElement()
                .satisfies(f -> assertThat(f.partition().get(0, Integer.class))
                        .isEqualTo((int) LocalDate.parse("2025-09-26").toEpochDay()));
    }

    /**
     * The commit function's role must be able to write what an Iceberg commit writes: every key the commit adds is
     * under {@code <prefix>/<model>/metadata/} or the batch manifest, which the template grants with IcebergTables.
     */
    @Test
    void everyKeyTheCommitWritesIsOneTheTemplateGrants() throws Exception {
        ObjectNode input = ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1);
        ice.runChunks(input);
        java.util.Set<String> before = keys();
        ice.commit(input);
        java.util.Set<String> written = new java.util.TreeSet<>(keys());
        written.removeAll(before);
        assertThat(written)
                .isNotEmpty()
                .allMatch(k -> k.startsWith("exports/orders/metadata/") || k.startsWith("exports/orders/_batches/"));
        assertThat(written).anyMatch(k -> k.startsWith("exports/orders/metadata/"));
        String template = java.nio.file.Files.readString(java.nio.file.Path.of("template.yaml"));
        String commit =
                template.substring(template.indexOf("  CommitFunction:"), template.indexOf("  TransferStateMachine:"));
        assertThat(commit)
                .contains("Sid: WriteIcebergMetadata", "- s3:PutObject", "- s3:GetObject")
                .contains("arn:aws:s3:::${BucketName}/${Prefix}/*/metadata/*")
                .contains("arn:aws:s3:::${BucketName}/${Prefix}/*/_batches/*");
    }

    private java.util.Set<String> keys() {
        try (var s3 = ice.s3.client()) {
            java.util.Set<String> keys = new java.util.HashSet<>();
            s3.listObjectsV2Paginator(r -> r.bucket(ice.bucket)).contents().forEach(o -> keys.add(o.key()));
            return keys;
        }
    }

    @Test
    void aBatchRolledBackIsCommittedAgainOnlyTheCurrentAncestryCounts() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode next = ice.input("b2", "2025-09-26T00:00:00Z", "{\"id\": 4}\n");
        ice.commitAfterChunks(next);
        Table table = ice.rest.backend().loadTable(ORDERS);
        long b1 = table.currentSnapshot().parentId();
        table.manageSnapshots().rollbackTo(b1).commit();

        ice.commit(next);

        table = ice.rest.backend().loadTable(ORDERS);
        assertThat(table.currentSnapshot().summary()).containsEntry("pontoon.batch_id", "b2");
        assertThat(table.currentSnapshot().parentId()).isEqualTo(b1);
        assertThat(table.snapshots()).hasSize(3);
    }

    @Test
    void aTypeIcebergCannotPromoteOrADroppedColumnIsRefusedNamingTheColumnAndNothingIsCommitted() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode changed = ice.input("b2", "2025-09-26T00:00:00Z", "{\"id\": 4, \"amount\": \"1.5\"}\n");
        ((ObjectNode) columns(changed).get(1)).put("type", "string");
        ice.runChunks(changed);
        assertThatThrownBy(() -> ice.commit(changed))
                .isInstanceOf(CatalogException.class)
                .hasMessage(
                        "Iceberg table analytics.orders: column amount is decimal(12, 2) in the table but string in "
                                + "the model (string); Iceberg cannot promote it, nothing was committed");

        ObjectNode dropped = ice.input("b3", "2025-09-26T00:00:00Z", "{\"id\": 5}\n");
        columns(dropped).remove(3);
        ice.runChunks(dropped);
        assertThatThrownBy(() -> ice.commit(dropped))
                .isInstanceOf(CatalogException.class)
                .hasMessage("Iceberg table analytics.orders: column note (string) is in the table but no longer in the "
                        + "model; dropping a column is refused, nothing was committed");

        Table table = ice.rest.backend().loadTable(ORDERS);
        assertThat(table.snapshots()).hasSize(1);
        assertThat(table.schema().findField("amount").type()).isEqualTo(Types.DecimalType.of(12, 2));
        assertThat(ice.batchManifests()).containsExactly("exports/orders/_batches/20250925132233_b1.json");
    }

    @Test
    void aRefusedCommitWritesNoManifestAndTheRetriedCommitFinishesIt() {
        ObjectNode input = ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1);
        ice.runChunks(input);
        ice.rest.refuseCommits(
                "User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: glue:CreateTable");
        assertThatThrownBy(() -> ice.commit(input))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(
                        "the REST catalog refused committing batch b1 to Iceberg table analytics.orders at "
                                + ice.rest.uri() + " (ForbiddenException: ")
                .hasMessageContaining("glue:CreateTable")
                .hasMessageEndingWith("; nothing was committed");
        assertThat(ice.rest.backend().tableExists(ORDERS)).isFalse();
        assertThat(ice.batchManifests()).isEmpty();

        ice.rest.allowCommits();
        CommitResult result = ice.commit(input);
        assertThat(result.status()).isEqualTo("committed");
        assertThat(ice.rest.backend().loadTable(ORDERS).snapshots()).hasSize(1);
        assertThat(ice.batchManifests()).containsExactly(result.manifest());
    }

    @Test
    void aCommitThatLosesARaceIsRetriedByIcebergAndStillAddsExactlyOneSnapshot() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode next = ice.input("b2", "2025-09-26T00:00:00Z", "{\"id\": 4}\n");
        ice.runChunks(next);
        // Another writer commits between our read of the table and our commit.
        ice.rest.beforeNextCommit(backend -> backend.loadTable(ORDERS)
                .newFastAppend()
                .set("writer", "someone else")
                .commit());
        ice.commit(next);
        Table table = ice.rest.backend().loadTable(ORDERS);
        assertThat(table.snapshots())
                .extracting(s ->
                        s.summary().getOrDefault("pontoon.batch_id", s.summary().get("writer")))
                .containsExactly("b1", "someone else", "b2");
        assertThat(table.currentSnapshot().summary()).containsEntry("total-records", "4");
    }

    @Test
    void aRaceWithAnotherCommitOfTheSameBatchAddsItOnce() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode next = ice.input("b2", "2025-09-26T00:00:00Z", "{\"id\": 4}\n");
        ice.runChunks(next);
        // A second commit of b2 wins the race (as a redelivered commit invocation would).
        ice.rest.beforeNextCommit(backend -> backend.loadTable(ORDERS)
                .newFastAppend()
                .set("pontoon.batch_id", "b2")
                .commit());
        assertThat(ice.commit(next).status()).isEqualTo("committed");
        assertThat(ice.rest.backend().loadTable(ORDERS).snapshots())
                .extracting(s -> s.summary().get("pontoon.batch_id"))
                .containsExactly("b1", "b2");
    }

    @Test
    void aCommitWhoseResponseIsLostIsRetryableAndTheRetryAddsNothingTwice() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode next = ice.input("b2", "2025-09-26T00:00:00Z", "{\"id\": 4}\n");
        ice.runChunks(next);
        ice.rest.loseNextCommitResponse();
        assertThatThrownBy(() -> ice.commit(next))
                .isInstanceOf(CatalogTransientException.class)
                .hasMessageContaining("retry the commit");
        assertThat(ice.batchManifests()).hasSize(1);

        ice.commit(next);
        assertThat(ice.rest.backend().loadTable(ORDERS).snapshots())
                .extracting(s -> s.summary().get("pontoon.batch_id"))
                .containsExactly("b1", "b2");
        assertThat(ice.batchManifests()).hasSize(2);
    }

    @Test
    void sigv4SignsEveryCatalogRequestWithTheDestinationsKeyForTheSigningNameAndRegion() {
        ObjectNode input = ice.input("b1", "2025-09-25T13:22:33.123Z", "{\"id\": 1}\n");
        IcebergFixture.catalog(input)
                .put("sigv4", true)
                .put("signing_name", "glue")
                .put("region", "eu-west-1");
        try (LogCapture logs = LogCapture.install()) {
            ice.commitAfterChunks(input);
            // The key signs; the secret goes nowhere: not into a log line, nor over the wire.
            assertThat(logs.all())
                    .contains("iceberg table analytics.orders created with batch b1")
                    .doesNotContain(S3TestServer.SECRET_KEY);
        }
        assertThat(String.join("\n", ice.rest.authorizations())).doesNotContain(S3TestServer.SECRET_KEY);
        assertThat(ice.rest.authorizations())
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a)
                        .startsWith("AWS4-HMAC-SHA256 Credential=" + S3TestServer.ACCESS_KEY + "/")
                        .contains("/eu-west-1/glue/aws4_request"));
        assertThat(ice.rest.backend().loadTable(ORDERS).snapshots()).hasSize(1);
    }

    @Test
    void aDirectEventWithCommitTrueIsOneSnapshotWithItsFilesStatistics() {
        ObjectNode destination = Events.destination(ice.s3, ice.bucket, "exports");
        destination
                .putObject("catalog")
                .put("type", "iceberg-rest")
                .put("uri", ice.rest.uri().toString())
                .put("namespace", "analytics");
        ObjectNode event = Events.transfer(
                destination, "orders", "2025-09-25T13:22:33.123Z", "direct1", "id:bigint!", "note:string");
        event.put("commit", true);
        for (int i = 0; i < 5; i++) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) event.get("rows"))
                    .addObject()
                    .put("id", 10 + i)
                    .put("note", "n" + i);
        }
        assertThat(ice.transfer(event).batchManifest())
                .isEqualTo("exports/orders/_batches/20250925132233_direct1.json");
        Table table = ice.rest.backend().loadTable(ORDERS);
        assertThat(table.currentSnapshot().summary())
                .containsEntry("pontoon.batch_id", "direct1")
                .containsEntry("added-records", "5");
        DataFile file = dataFiles(table, table.currentSnapshot()).get(0);
        assertThat(bound(table, file, "id", true)).isEqualTo(10L);
        assertThat(bound(table, file, "id", false)).isEqualTo(14L);
    }

    @Test
    void theConnectionTestProbesTheRestCatalog() {
        ObjectNode d = Events.destination(ice.s3, ice.bucket, "exports");
        d.putObject("catalog")
                .put("type", "iceberg-rest")
                .put("uri", ice.rest.uri().toString())
                .put("namespace", "analytics")
                .put("table", "orders");
        ConnectionTester tester = new ConnectionTester(ice.clients);
        ConnectionResult fresh = tester.test(EventParser.destination(d));
        assertThat(fresh.success()).as(fresh.message()).isTrue();
        assertThat(fresh.checks())
                .last()
                .satisfies(c -> assertThat(c.message())
                        .isEqualTo("Iceberg REST catalog " + ice.rest.uri()
                                + " is reachable; table analytics.orders will be created at the first commit"));

        ((ObjectNode) d.get("catalog")).put("namespace", "nosuch");
        ConnectionResult missing = tester.test(EventParser.destination(d));
        assertThat(missing.success()).isFalse();
        assertThat(missing.message())
                .isEqualTo("Iceberg namespace 'nosuch' does not exist in the REST catalog " + ice.rest.uri());
    }

    private List<String> manifestFiles(String key) throws Exception {
        JsonNode manifest;
        try (S3Client s3 = ice.s3.client()) {
            manifest = Json.MAPPER.readTree(
                    s3.getObjectAsBytes(r -> r.bucket(ice.bucket).key(key)).asByteArray());
        }
        List<String> files = new ArrayList<>();
        for (JsonNode f : manifest.get("files")) {
            files.add("s3://" + ice.bucket + "/" + f.get("key").asText() + " "
                    + f.get("rows").asLong() + " " + f.get("bytes").asLong());
        }
        return files;
    }

    static List<DataFile> dataFiles(Table table, Snapshot snapshot) {
        List<DataFile> files = new ArrayList<>();
        snapshot.addedDataFiles(table.io()).forEach(files::add);
        files.sort(Comparator.comparing(DataFile::location));
        return files;
    }

    private Path download(DataFile file) throws Exception {
        String key = file.location().substring(("s3://" + ice.bucket + "/").length());
        try (S3Client s3 = ice.s3.client()) {
            return Parquet.download(s3, ice.bucket, key);
        }
    }

    private static Object bound(Table table, DataFile file, String column, boolean lower) {
        Types.NestedField field = table.schema().findField(column);
        ByteBuffer b = (lower ? file.lowerBounds() : file.upperBounds()).get(field.fieldId());
        assertThat(b).as(column + (lower ? " lower" : " upper") + " bound").isNotNull();
        return Conversions.fromByteBuffer(field.type(), b);
    }
}
