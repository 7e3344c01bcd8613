package dev.pontoon.s3dest.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.ColumnType.Kind;
import dev.pontoon.s3dest.event.CommittableFile;
import dev.pontoon.s3dest.event.Compression;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.source.Values;
import dev.pontoon.s3dest.testing.Parquet;
import java.io.FileOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's own column path ({@link RowFileWriter}) and the dictionary that drops out of unique columns
 * ({@link AdaptiveDictionary}), over many row groups, read back value by value with DuckDB.
 */
class RollingParquetWriterTest {
    private static final List<ColumnSpec> COLUMNS = List.of(
            new ColumnSpec("id", ColumnType.of(Kind.BIGINT), false),
            new ColumnSpec("status", ColumnType.of(Kind.STRING), false),
            new ColumnSpec("note", ColumnType.of(Kind.STRING), true),
            new ColumnSpec("amount", ColumnType.decimal(12, 2), true),
            new ColumnSpec("big", ColumnType.decimal(30, 4), true),
            new ColumnSpec("flag", ColumnType.of(Kind.BOOLEAN), true),
            new ColumnSpec("score", ColumnType.of(Kind.DOUBLE), true),
            new ColumnSpec("day", ColumnType.of(Kind.DATE), true),
            new ColumnSpec("tiny", ColumnType.of(Kind.INT), true));
    private static final String[] STATUSES = {"active", "churned", "trial", "paused", "lead"};

    @TempDir
    Path dir;

    @Test
    void manyRowGroupsReadBackExactlyAndUniqueColumnsLeaveTheirDictionary() throws Exception {
        int rows = 40_000;
        RollingParquetWriter writer = new RollingParquetWriter(
                "m",
                COLUMNS,
                new WriterSettings(1L << 30, 0, 128 * 1024, 8 * 1024),
                Compression.SNAPPY,
                Map.of("k", "v"),
                0,
                i -> "f" + i + ".parquet",
                this::localFile);
        List<List<String>> expected = new ArrayList<>();
        Row row = new Row(COLUMNS.size());
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < rows; i++) {
            expected.add(fill(row, i, random));
            writer.write(row);
        }
        List<FileResult> files = writer.finish();
        assertThat(writer.writesPlain("id")).isTrue();
        assertThat(writer.writesPlain("note")).isTrue();
        assertThat(writer.writesPlain("status")).isFalse();
        assertThat(files).hasSize(1);
        Path file = dir.resolve(files.get(0).key());

        List<Map<String, Object>> read = Parquet.query("SELECT * FROM read_parquet('" + file + "') ORDER BY id");
        assertThat(read).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            List<String> actual = new ArrayList<>();
            for (Object v : read.get(i).values()) {
                actual.add(v == null ? null : v.toString());
            }
            assertThat(actual).as("row %d", i).isEqualTo(expected.get(i));
        }

        List<Map<String, Object>> chunks = Parquet.query("SELECT row_group_id, path_in_schema, encodings FROM "
                + "parquet_metadata('" + file + "') ORDER BY row_group_id, path_in_schema");
        long groups = chunks.stream().map(c -> c.get("row_group_id")).distinct().count();
        assertThat(groups).as("row groups").isGreaterThan(4);
        for (Map<String, Object> c : chunks) {
            String encodings = String.valueOf(c.get("encodings"));
            long group = ((Number) c.get("row_group_id")).longValue();
            switch ((String) c.get("path_in_schema")) {
                // five values: a dictionary in every row group
                case "status" ->
                    assertThat(encodings).as("status, group %d", group).contains("DICTIONARY");
                // unique: plain from the second row group on (the first tried and fell back)
                case "id", "note" -> {
                    if (group > 0) {
                        assertThat(encodings)
                                .as("%s, group %d", c.get("path_in_schema"), group)
                                .doesNotContain("DICTIONARY");
                    }
                }
                default -> {}
            }
        }
    }

    @Test
    void batchesRollFilesWhereRowsOneByOneDoAndWriteTheSameBytes() throws Exception {
        List<Row> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 6_000; i++) {
            Row row = new Row(COLUMNS.size());
            fill(row, i, random);
            rows.add(row);
        }
        // rolled by size (64 KiB files) and by a row limit that is not a multiple of the size checks
        for (WriterSettings settings : List.of(
                new WriterSettings(64 * 1024, 0, 32 * 1024, 8 * 1024),
                new WriterSettings(1L << 30, 1_000, 32 * 1024, 8 * 1024))) {
            RollingParquetWriter oneByOne = writer(settings, "one-");
            for (Row row : rows) {
                oneByOne.write(row);
            }
            RollingParquetWriter batches = writer(settings, "batch-");
            Row[] all = rows.toArray(Row[]::new);
            SplittableRandom sizes = new SplittableRandom(5);
            for (int from = 0; from < all.length; ) {
                int to = Math.min(all.length, from + 1 + sizes.nextInt(1_500));
                batches.write(all, from, to);
                from = to;
            }
            List<FileResult> expected = oneByOne.finish();
            List<FileResult> actual = batches.finish();
            assertThat(actual).hasSize(expected.size()).hasSizeGreaterThan(2);
            for (int f = 0; f < expected.size(); f++) {
                assertThat(actual.get(f).rows()).isEqualTo(expected.get(f).rows());
                assertThat(Files.readAllBytes(dir.resolve(actual.get(f).key())))
                        .isEqualTo(
                                Files.readAllBytes(dir.resolve(expected.get(f).key())));
            }
        }
    }

    /**
     * A writer's later files reuse the column chunks (and their buffers) of its first: they hold the bytes a new writer
     * makes of the same rows, so nothing of one file stays behind in the next. The values repeat (no column leaves its
     * dictionary, which a writer remembers from file to file on purpose) and the files end mid-page.
     */
    @Test
    void aLaterFileOfTheSameRowsHasTheSameBytes() throws Exception {
        List<Row> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 2_345; i++) {
            Row row = new Row(COLUMNS.size());
            row.setLong(0, i % 50);
            byte[] status = STATUSES[random.nextInt(STATUSES.length)].getBytes(StandardCharsets.UTF_8);
            row.setBytes(1, status, 0, status.length);
            if (i % 4 == 0) {
                row.setNull(2);
            } else {
                row.setBinary(2, Binary.fromString("note " + (i % 7)));
            }
            Values.setDecimal(row, 3, COLUMNS.get(3).type(), BigDecimal.valueOf(i % 11, 2));
            if (i % 3 == 0) {
                row.setNull(4);
            } else {
                Values.setDecimal(row, 4, COLUMNS.get(4).type(), BigDecimal.valueOf(i % 5, 4));
            }
            row.setLong(5, i % 2);
            row.setDouble(6, (i % 10) * 0.5);
            row.setLong(7, i % 30);
            row.setNull(8);
            rows.add(row);
        }
        WriterSettings settings = new WriterSettings(1L << 30, rows.size(), 16 * 1024, 1024);
        Row[] all = rows.toArray(Row[]::new);
        Row[] reversed = new Row[all.length];
        for (int i = 0; i < all.length; i++) {
            reversed[i] = all[all.length - 1 - i];
        }
        // the rows in another order first (other dictionaries, pages, bounds), then in order, then in order again
        RollingParquetWriter writer = writer(settings, "again-");
        writer.write(reversed, 0, reversed.length);
        writer.write(all, 0, all.length);
        writer.write(all, 0, all.length);
        List<FileResult> files = writer.finish();
        assertThat(files).hasSize(3);
        // the repeated values keep their dictionaries (the all-null column has none to keep)
        assertThat(writer.writesPlain("status")).isFalse();
        assertThat(writer.writesPlain("note")).isFalse();
        assertThat(writer.writesPlain("id")).isFalse();
        RollingParquetWriter fresh = writer(settings, "fresh-");
        fresh.write(all, 0, all.length);
        byte[] expected = Files.readAllBytes(dir.resolve(fresh.finish().get(0).key()));
        for (FileResult later : files.subList(1, 3)) {
            assertThat(Files.readAllBytes(dir.resolve(later.key()))).isEqualTo(expected);
        }
    }

    private RollingParquetWriter writer(WriterSettings settings, String prefix) {
        return new RollingParquetWriter(
                "m",
                COLUMNS,
                settings,
                Compression.SNAPPY,
                Map.of("k", "v"),
                0,
                i -> prefix + i + ".parquet",
                this::localFile);
    }

    /** Sets row {@code i} (strings through both the byte area and Binary) and returns its values as DuckDB prints them. */
    private static List<String> fill(Row row, int i, SplittableRandom random) {
        List<String> v = new ArrayList<>();
        row.clearBytes();
        row.setLong(0, i);
        v.add(String.valueOf(i));
        byte[] status = STATUSES[random.nextInt(STATUSES.length)].getBytes(StandardCharsets.UTF_8);
        row.setBytes(1, status, 0, status.length);
        v.add(new String(status, StandardCharsets.UTF_8));
        if (random.nextInt(10) < 3) {
            row.setNull(2);
            v.add(null);
        } else {
            String note = "note " + i + " " + Long.toHexString(random.nextLong()) + " é";
            if (i % 2 == 0) {
                byte[] b = ("xx" + note).getBytes(StandardCharsets.UTF_8);
                row.setBytes(2, b, 2, b.length - 2);
            } else {
                row.setBinary(2, Binary.fromString(note));
            }
            v.add(note);
        }
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(-99_999_999_999L, 99_999_999_999L), 2);
        Values.setDecimal(row, 3, COLUMNS.get(3).type(), amount);
        v.add(amount.toString());
        BigDecimal big = new BigDecimal(new BigInteger(90, new java.util.Random(i)), 4).negate();
        Values.setDecimal(row, 4, COLUMNS.get(4).type(), big);
        v.add(big.toString());
        if (i % 5 == 0) {
            row.setNull(5);
            v.add(null);
        } else {
            row.setLong(5, i % 3 == 0 ? 1 : 0);
            v.add(String.valueOf(i % 3 == 0));
        }
        double score = random.nextDouble() * 1000;
        row.setDouble(6, score);
        v.add(String.valueOf(score));
        LocalDate day = LocalDate.of(2020, 1, 1).plusDays(i % 2000);
        row.setLong(7, day.toEpochDay());
        v.add(day.toString());
        row.setLong(8, i % 100 - 50);
        v.add(String.valueOf(i % 100 - 50));
        return v;
    }

    private CommittableFile localFile(String key) throws IOException {
        Path path = dir.resolve(key);
        FileOutputStream out = new FileOutputStream(path.toFile());
        return new CommittableFile() {
            private long written;
            private boolean committed;

            @Override
            public PositionOutputStream create(long blockSizeHint) {
                return stream();
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                return stream();
            }

            private PositionOutputStream stream() {
                return new PositionOutputStream() {
                    @Override
                    public long getPos() {
                        return written;
                    }

                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        written++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        written += len;
                    }

                    @Override
                    public void close() {
                        // the file decides, on commit or close
                    }
                };
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }

            @Override
            public void commit() {
                committed = true;
            }

            @Override
            public long bytesWritten() {
                return written;
            }

            @Override
            public void close() throws IOException {
                out.close();
                if (!committed) {
                    Files.deleteIfExists(path);
                }
            }
        };
    }
}
