package dev.pontoon.s3dest.catalog;

import static dev.pontoon.s3dest.catalog.DeltaCatalogTest.all;
import static dev.pontoon.s3dest.catalog.DeltaCatalogTest.log;
import static dev.pontoon.s3dest.catalog.DeltaCatalogTest.objects;
import static dev.pontoon.s3dest.testing.IcebergFixture.ORDERS;
import static dev.pontoon.s3dest.testing.IcebergFixture.ROWS_B1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.GlueStandIn;
import dev.pontoon.s3dest.testing.IcebergFixture;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One batch committed with Glue, Iceberg and Delta configured together (SPEC §14): the same data files, written once,
 * are listed by the batch manifest, the Iceberg snapshot and the Delta commit, with equal record counts and
 * statistics, and Glue's table points at their folder; a second commit changes nothing anywhere.
 */
class ThreeCatalogsTest {
    private GlueStandIn glue;
    private IcebergFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        glue = new GlueStandIn("analytics");
        fx = new IcebergFixture("AWS_ENDPOINT_URL_GLUE", glue.endpoint().toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
        glue.close();
    }

    @Test
    void oneBatchIsTheSameFilesInEveryCatalogAndARecommitChangesNothing() throws Exception {
        ObjectNode input = fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1 + "{\"id\": 4, \"note\": \"z\"}\n");
        ObjectNode destination = (ObjectNode) input.get("transfer").get("destination");
        JsonNode iceberg = destination.remove("catalog");
        ArrayNode catalogs = destination.putArray("catalogs");
        catalogs.addObject().put("type", "glue").put("database", "analytics");
        catalogs.add(iceberg);
        catalogs.addObject().put("type", "delta");
        CommitResult result = fx.commitAfterChunks(input);
        assertThat(result.status()).isEqualTo("committed");

        // the batch manifest's files: key → rows
        Map<String, Long> manifest = new TreeMap<>();
        JsonNode m = Json.read(objects(fx, result.manifest()).get(result.manifest()));
        m.get("files")
                .forEach(f -> manifest.put(f.get("key").asText(), f.get("rows").asLong()));
        assertThat(manifest).isNotEmpty();

        // Iceberg's snapshot
        Table table = fx.rest.backend().loadTable(ORDERS);
        Map<String, Long> icebergFiles = new TreeMap<>();
        Map<String, DataFile> icebergByKey = new TreeMap<>();
        for (DataFile f : IcebergCatalogTest.dataFiles(table, table.currentSnapshot())) {
            String key = f.location().substring(("s3://" + fx.bucket + "/").length());
            icebergFiles.put(key, f.recordCount());
            icebergByKey.put(key, f);
        }
        assertThat(icebergFiles).isEqualTo(manifest);

        // Delta's commit
        List<JsonNode> adds = all(log(fx).get(0L), "add");
        Map<String, Long> deltaFiles = new TreeMap<>();
        for (JsonNode add : adds) {
            String key = DeltaCatalogTest.TABLE + add.get("path").asText();
            JsonNode stats = Json.read(add.get("stats").asText());
            deltaFiles.put(key, stats.get("numRecords").asLong());
            // the same statistics as Iceberg's, from the same footers
            DataFile ice = icebergByKey.get(key);
            for (Types.NestedField column : table.schema().columns()) {
                assertThat(stats.get("nullCount").get(column.name()).asLong())
                        .as(column.name())
                        .isEqualTo(ice.nullValueCounts().get(column.fieldId()));
            }
            int id = table.schema().findField("id").fieldId();
            assertThat(stats.get("minValues").get("id").asLong())
                    .isEqualTo(ice.lowerBounds()
                            .get(id)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getLong(0));
            assertThat(stats.get("maxValues").get("id").asLong())
                    .isEqualTo(ice.upperBounds()
                            .get(id)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getLong(0));
        }
        assertThat(deltaFiles).isEqualTo(manifest);

        // Glue's table reads the same folder, its partition registered
        JsonNode glueTable = glue.table("analytics", "orders");
        assertThat(glueTable.get("StorageDescriptor").get("Location").asText())
                .isEqualTo("s3://" + fx.bucket + "/" + DeltaCatalogTest.TABLE);
        List<String> partitions = new ArrayList<>(glue.partitionValues("analytics", "orders"));

        // A second commit: nothing changes in any of them.
        Map<String, String> before = objects(fx, "");
        long snapshot = table.currentSnapshot().snapshotId();
        int glueCalls = glue.calls().size();
        String glueBefore = glueTable.toString();
        assertThat(fx.commit(input).status()).isEqualTo("committed");
        assertThat(objects(fx, "")).isEqualTo(before);
        assertThat(fx.rest.backend().loadTable(ORDERS).currentSnapshot().snapshotId())
                .isEqualTo(snapshot);
        assertThat(glue.table("analytics", "orders").toString()).isEqualTo(glueBefore);
        assertThat(glue.partitionValues("analytics", "orders")).isEqualTo(partitions);
        assertThat(glue.calls().subList(glueCalls, glue.calls().size()))
                .noneMatch(c -> c.equals("CreateTable") || c.equals("UpdateTable")); // a partition that exists is fine
    }
}
