package dev.pontoon.s3dest.catalog;

import static dev.pontoon.s3dest.testing.IcebergFixture.ORDERS;
import static dev.pontoon.s3dest.testing.IcebergFixture.ROWS_B1;
import static dev.pontoon.s3dest.testing.IcebergFixture.columns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.testing.IcebergFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Committed batches read back with Iceberg's own Parquet reader, an independent reader of the table: every row and
 * type as the input gave it. Iceberg's Parquet reader needs Hadoop, so this class runs in its own surefire execution
 * with hadoop-common on the class path (the function itself never loads Hadoop: {@link IcebergCatalogTest}).
 */
class IcebergReadBackTest {
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
    void everyRowAndTypeReadsBackAsTheInputGaveIt() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        List<Record> rows = read(ice.rest.backend().loadTable(ORDERS));
        assertThat(rows).hasSize(3);

        Record r1 = rows.get(0);
        assertThat(r1.getField("id")).isEqualTo(1L);
        assertThat(r1.getField("amount")).isEqualTo(new BigDecimal("12.50"));
        assertThat(r1.getField("big")).isEqualTo(new BigDecimal("12345678901234567890.1234"));
        assertThat(r1.getField("note")).hasToString("a");
        assertThat(r1.getField("at")).isEqualTo(OffsetDateTime.of(2025, 9, 25, 10, 0, 0, 0, ZoneOffset.UTC));
        assertThat(r1.getField("local")).isEqualTo(LocalDateTime.of(2025, 9, 25, 10, 0));
        assertThat(r1.getField("day")).isEqualTo(LocalDate.of(2025, 9, 25));
        assertThat(r1.getField("t")).isEqualTo(LocalTime.of(10, 0));
        assertThat(r1.getField("flag")).isEqualTo(true);
        assertThat(r1.getField("n")).isEqualTo(7);
        assertThat(r1.getField("f")).isEqualTo(1.5f);
        assertThat(r1.getField("d")).isEqualTo(2.25);
        assertThat(r1.getField("doc")).hasToString("{\"k\":[1,2]}");
        assertThat(r1.getField("blob")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(r1.getField("pontoon__batch_id")).hasToString("b1");
        assertThat(r1.getField("pontoon__last_synced_at")).isEqualTo(OffsetDateTime.parse("2025-09-25T13:22:33.123Z"));

        Record r2 = rows.get(1);
        assertThat(r2.getField("amount")).isEqualTo(new BigDecimal("-3.00"));
        assertThat(r2.getField("big")).isEqualTo(new BigDecimal("-0.0001"));
        assertThat(r2.getField("note")).hasToString("a much longer note than sixteen");
        assertThat(r2.getField("at")).isEqualTo(OffsetDateTime.parse("2025-09-24T21:59:59.999999Z"));
        assertThat(r2.getField("local")).isEqualTo(LocalDateTime.parse("1969-12-31T23:59:59.5"));
        assertThat(r2.getField("day")).isEqualTo(LocalDate.EPOCH);
        assertThat(r2.getField("t")).isEqualTo(LocalTime.parse("23:59:59.999999"));
        assertThat(r2.getField("flag")).isEqualTo(false);
        assertThat(r2.getField("n")).isEqualTo(Integer.MIN_VALUE);
        assertThat(r2.getField("f")).isEqualTo(-0.5f);
        assertThat(r2.getField("d")).isEqualTo(1e300);
        assertThat(r2.getField("doc")).hasToString("\"text\"");
        assertThat(r2.getField("blob")).isEqualTo(ByteBuffer.allocate(0));

        Record r3 = rows.get(2);
        assertThat(r3.getField("id")).isEqualTo(3L);
        for (String c :
                List.of("amount", "big", "note", "at", "local", "day", "t", "flag", "n", "f", "d", "doc", "blob")) {
            assertThat(r3.getField(c)).as(c).isNull();
        }
    }

    @Test
    void twoBatchesWithAnAddedColumnAndAPromotedTypeReadBackAsOneTable() {
        ice.commitAfterChunks(ice.input("b1", "2025-09-25T13:22:33.123Z", ROWS_B1));
        ObjectNode next = ice.input("b2", "2025-09-26T08:00:00Z", "{\"id\": 4, \"n\": 5, \"coupon\": \"SAVE\"}\n");
        columns(next).addObject().put("name", "coupon").put("type", "string");
        ((ObjectNode) columns(next).get(9)).put("type", "bigint");
        ice.commitAfterChunks(next);

        List<Record> rows = read(ice.rest.backend().loadTable(ORDERS));
        assertThat(rows).extracting(r -> r.getField("id")).containsExactly(1L, 2L, 3L, 4L);
        // The first batch's int32 values read as the promoted long.
        assertThat(rows).extracting(r -> r.getField("n")).containsExactly(7L, (long) Integer.MIN_VALUE, null, 5L);
        assertThat(rows)
                .extracting(r -> r.getField("coupon") == null
                        ? null
                        : r.getField("coupon").toString())
                .containsExactly(null, null, null, "SAVE");
        assertThat(rows)
                .extracting(r -> r.getField("pontoon__batch_id").toString())
                .containsExactly("b1", "b1", "b1", "b2");
    }

    /**
     * Every row of the table, in id order, by Iceberg's own Parquet reader over the files the table's scan plans,
     * with the table's name mapping applied as engines do for files without field ids. (IcebergGenerics, Iceberg's
     * convenience reader, does not apply the mapping: it falls back to column positions, which breaks once the
     * model gains a column, so it is not used.)
     */
    private static List<Record> read(Table table) {
        List<Record> rows = new ArrayList<>();
        NameMapping mapping = NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                try (CloseableIterable<Record> records = Parquet.read(
                                table.io().newInputFile(task.file().location()))
                        .project(table.schema())
                        .withNameMapping(mapping)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(table.schema(), fileSchema))
                        .build()) {
                    records.forEach(r -> rows.add(r.copy()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.sort(Comparator.comparing(r -> (Long) r.getField("id")));
        return rows;
    }
}
