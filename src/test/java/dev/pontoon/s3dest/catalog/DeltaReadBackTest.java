package dev.pontoon.s3dest.catalog;

import static dev.pontoon.s3dest.catalog.DeltaCatalogTest.delta;
import static dev.pontoon.s3dest.testing.IcebergFixture.ROWS_B1;
import static dev.pontoon.s3dest.testing.IcebergFixture.columns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.testing.IcebergFixture;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Delta tables read back by Delta's own Java kernel (its default engine, over a copy of the bucket's objects on
 * local disk): every row and type as the input gave it, across batches, a schema addition and a checkpoint, and the
 * files' statistics used to skip files. The kernel needs Hadoop, so this class runs in the read-back execution.
 */
class DeltaReadBackTest {
    private IcebergFixture fx;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        fx = new IcebergFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void everyRowAndTypeReadsBackAsTheInputGaveIt() throws Exception {
        fx.commitAfterChunks(delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1)));
        Engine engine = engine();
        Snapshot snapshot = Table.forPath(engine, mirror()).getLatestSnapshot(engine);
        assertThat(snapshot.getPartitionColumnNames()).containsExactly("dt");
        List<Map<String, Object>> rows = read(engine, snapshot, null);
        assertThat(rows).hasSize(3);

        Map<String, Object> r1 = rows.get(0);
        assertThat(r1.get("id")).isEqualTo(1L);
        assertThat(r1.get("amount")).isEqualTo(new BigDecimal("12.50"));
        assertThat(r1.get("big")).isEqualTo(new BigDecimal("12345678901234567890.1234"));
        assertThat(r1.get("note")).isEqualTo("a");
        assertThat(r1.get("at")).isEqualTo(Instant.parse("2025-09-25T10:00:00Z"));
        assertThat(r1.get("local")).isEqualTo(LocalDateTime.of(2025, 9, 25, 10, 0));
        assertThat(r1.get("day")).isEqualTo(LocalDate.of(2025, 9, 25));
        // time is a long of microseconds since midnight
        assertThat(r1.get("t")).isEqualTo(LocalTime.of(10, 0).toNanoOfDay() / 1000);
        assertThat(r1.get("flag")).isEqualTo(true);
        assertThat(r1.get("n")).isEqualTo(7);
        assertThat(r1.get("f")).isEqualTo(1.5f);
        assertThat(r1.get("d")).isEqualTo(2.25);
        assertThat(r1.get("doc")).isEqualTo("{\"k\":[1,2]}");
        assertThat((byte[]) r1.get("blob")).containsExactly(1, 2, 3);
        assertThat(r1.get("pontoon__batch_id")).isEqualTo("b1");
        assertThat(r1.get("pontoon__last_synced_at")).isEqualTo(Instant.parse("2025-09-25T13:22:33.123Z"));
        assertThat(r1.get("dt")).isEqualTo(LocalDate.of(2025, 9, 25));

        Map<String, Object> r2 = rows.get(1);
        assertThat(r2.get("amount")).isEqualTo(new BigDecimal("-3.00"));
        assertThat(r2.get("big")).isEqualTo(new BigDecimal("-0.0001"));
        assertThat(r2.get("note")).isEqualTo("a much longer note than sixteen");
        assertThat(r2.get("at")).isEqualTo(Instant.parse("2025-09-24T21:59:59.999999Z"));
        assertThat(r2.get("local")).isEqualTo(LocalDateTime.parse("1969-12-31T23:59:59.5"));
        assertThat(r2.get("day")).isEqualTo(LocalDate.EPOCH);
        assertThat(r2.get("t")).isEqualTo(LocalTime.parse("23:59:59.999999").toNanoOfDay() / 1000);
        assertThat(r2.get("flag")).isEqualTo(false);
        assertThat(r2.get("n")).isEqualTo(Integer.MIN_VALUE);
        assertThat(r2.get("f")).isEqualTo(-0.5f);
        assertThat(r2.get("d")).isEqualTo(1e300);
        assertThat(r2.get("doc")).isEqualTo("\"text\"");
        assertThat((byte[]) r2.get("blob")).isEmpty();

        Map<String, Object> r3 = rows.get(2);
        assertThat(r3.get("id")).isEqualTo(3L);
        for (String c :
                List.of("amount", "big", "note", "at", "local", "day", "t", "flag", "n", "f", "d", "doc", "blob")) {
            assertThat(r3.get(c)).as(c).isNull();
        }
    }

    @Test
    void batchesASchemaAdditionAndACheckpointReadBackAsOneTableAndStatisticsSkipFiles() throws Exception {
        fx.commitAfterChunks(delta(fx.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1)));
        ObjectNode b2 = delta(fx.input("b2", "2025-09-26T08:00:00Z", "{\"id\": 4, \"coupon\": \"SAVE\"}\n"));
        columns(b2).addObject().put("name", "coupon").put("type", "string");
        fx.commitAfterChunks(b2);
        for (int i = 5; i <= 13; i++) {
            ObjectNode next = delta(fx.input("c" + i, "2025-10-01T00:00:00Z", "{\"id\": " + i + "}\n"));
            columns(next).addObject().put("name", "coupon").put("type", "string");
            fx.commitAfterChunks(next);
        }
        String table = mirror();
        // Only the checkpoint (version 10) and the commits after it: the kernel must read our Parquet checkpoint.
        try (var files = Files.list(Path.of(table, "_delta_log"))) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{20}\\.json") && Long.parseLong(name.substring(0, 20)) < 10) {
                    Files.delete(p);
                }
            }
        }
        Engine engine = engine();
        Snapshot snapshot = Table.forPath(engine, table).getLatestSnapshot(engine);
        assertThat(snapshot.getVersion()).isEqualTo(10);
        List<Map<String, Object>> rows = read(engine, snapshot, null);
        assertThat(rows)
                .extracting(r -> r.get("id"))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
        assertThat(rows)
                .extracting(r -> r.get("coupon"))
                .containsExactly(null, null, null, "SAVE", null, null, null, null, null, null, null, null, null);
        assertThat(rows).extracting(r -> r.get("pontoon__batch_id")).startsWith("b1", "b1", "b1", "b2", "c5");

        // The files' statistics let the kernel skip every file but the one that can hold id 4.
        Predicate idIs4 = new Predicate("=", new Column("id"), Literal.ofLong(4));
        assertThat(scanFiles(engine, snapshot, idIs4)).isEqualTo(1);
        assertThat(read(engine, snapshot, idIs4)).extracting(r -> r.get("id")).contains(4L);
    }

    private Engine engine() {
        return DefaultEngine.create(new Configuration());
    }

    /** The table's objects copied to local disk as they are in the bucket: the kernel's path to it. */
    private String mirror() throws IOException {
        Path root = dir.resolve("orders-" + System.nanoTime());
        try (S3Client s3 = fx.s3.client()) {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(fx.bucket).prefix(DeltaCatalogTest.TABLE))
                    .contents()) {
                Path file = root.resolve(o.key().substring(DeltaCatalogTest.TABLE.length()));
                Files.createDirectories(file.getParent());
                Files.write(
                        file,
                        s3.getObjectAsBytes(r -> r.bucket(fx.bucket).key(o.key()))
                                .asByteArray());
            }
        }
        return root.toString();
    }

    private static int scanFiles(Engine engine, Snapshot snapshot, Predicate filter) throws IOException {
        int files = 0;
        Scan scan = snapshot.getScanBuilder().withFilter(filter).build();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        rows.next();
                        files++;
                    }
                }
            }
        }
        return files;
    }

    /** Every row of the snapshot (or of the files the filter keeps), as Java values, in id order. */
    private static List<Map<String, Object>> read(Engine engine, Snapshot snapshot, Predicate filter)
            throws IOException {
        var builder = snapshot.getScanBuilder();
        if (filter != null) {
            builder = builder.withFilter(filter);
        }
        Scan scan = builder.build();
        Row state = scan.getScanState(engine);
        StructType physical = ScanStateRow.getPhysicalDataReadSchema(engine, state);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
                    while (scanFiles.hasNext()) {
                        Row scanFile = scanFiles.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
                        CloseableIterator<ColumnarBatch> physicalData = engine.getParquetHandler()
                                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty());
                        try (CloseableIterator<FilteredColumnarBatch> data =
                                Scan.transformPhysicalData(engine, state, scanFile, physicalData)) {
                            while (data.hasNext()) {
                                rows.addAll(values(data.next()));
                            }
                        }
                    }
                }
            }
        }
        rows.sort(Comparator.comparingLong(r -> (Long) r.get("id")));
        return rows;
    }

    private static List<Map<String, Object>> values(FilteredColumnarBatch filtered) {
        ColumnarBatch batch = filtered.getData();
        StructType schema = batch.getSchema();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < batch.getSize(); i++) {
            final int row = i;
            if (filtered.getSelectionVector()
                    .map(s -> s.isNullAt(row) || !s.getBoolean(row))
                    .orElse(false)) {
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (int c = 0; c < schema.length(); c++) {
                StructField field = schema.at(c);
                values.put(field.getName(), value(batch.getColumnVector(c), field.getDataType(), i));
            }
            rows.add(values);
        }
        return rows;
    }

    private static Object value(ColumnVector v, DataType type, int i) {
        if (v.isNullAt(i)) {
            return null;
        }
        if (type instanceof LongType) {
            return v.getLong(i);
        } else if (type instanceof IntegerType) {
            return v.getInt(i);
        } else if (type instanceof DecimalType) {
            return v.getDecimal(i);
        } else if (type instanceof TimestampType) {
            long micros = v.getLong(i);
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
        } else if (type instanceof TimestampNTZType) {
            long micros = v.getLong(i);
            return LocalDateTime.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000), (int) Math.floorMod(micros, 1_000_000) * 1000, ZoneOffset.UTC);
        } else if (type instanceof DateType) {
            return LocalDate.ofEpochDay(v.getInt(i));
        } else if (type instanceof BooleanType) {
            return v.getBoolean(i);
        } else if (type instanceof FloatType) {
            return v.getFloat(i);
        } else if (type instanceof DoubleType) {
            return v.getDouble(i);
        } else if (type instanceof BinaryType) {
            return v.getBinary(i);
        }
        return v.getString(i);
    }
}
