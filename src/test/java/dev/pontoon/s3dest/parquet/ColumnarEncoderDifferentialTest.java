package dev.pontoon.s3dest.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnStats;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.testing.Parquet;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The columnar encoder against parquet-java's per-value path (the reference, {@link RowFileWriter}): random tables
 * of every column type — nulls, empty strings, extreme decimals and timestamps, NaN and signed zeros, high and low
 * cardinality — over several row groups and pages, written both ways from the same rows. DuckDB must read the same
 * values and logical types from both, each row group's statistics must equal what DuckDB computes from its rows,
 * and the footers must agree on every column's value count, null count and bounds.
 */
class ColumnarEncoderDifferentialTest {
    @TempDir
    Path dir;

    /** Every kind, nullable and not: name, type, nullable. */
    private static final List<ColumnSpec> COLUMNS = List.of(
            new ColumnSpec("id", ColumnType.of(ColumnType.Kind.BIGINT), false),
            col("flag", "boolean"),
            col("small", "int"),
            col("big", "bigint"),
            col("low_card", "bigint"),
            col("f", "float"),
            col("d", "double"),
            col("dec9", "decimal(9,2)"),
            col("dec18", "decimal(18,4)"),
            col("dec30", "decimal(30,5)"),
            col("s", "string"),
            col("status", "string"),
            col("doc", "json"),
            col("blob", "binary"),
            col("day", "date"),
            col("t", "time"),
            col("ts", "timestamp"),
            col("ntz", "timestamp_ntz"),
            new ColumnSpec("req_s", ColumnType.of(ColumnType.Kind.STRING), false),
            new ColumnSpec("req_i", ColumnType.of(ColumnType.Kind.INT), false),
            // as the transfer's pontoon columns: one value object shared by every row, then runs of repeats
            new ColumnSpec("same_s", ColumnType.of(ColumnType.Kind.STRING), false),
            col("runs", "bigint"));

    private static final Binary SAME = Binary.fromString("0e0b1f5c-7e38-4d2a-9a7a-3c0f4c6b2d11");

    private static ColumnarFileWriter columnar(
            Path file,
            MessageType schema,
            int pageBytes,
            Codecs.PageCodec compressor,
            CompressionCodecName codec,
            long rowGroupBytes)
            throws IOException {
        return new ColumnarFileWriter(
                new LocalOutputFile(file),
                schema,
                properties(pageBytes, new AdaptiveDictionary()),
                compressor,
                codec,
                rowGroupBytes,
                Map.of(),
                new HashSet<>());
    }

    private static ColumnSpec col(String name, String type) {
        return new ColumnSpec(name, ColumnType.parse(name, type), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void randomTablesReadTheSameWithTheSameStatistics(int seed) throws Exception {
        MessageType schema = ParquetSchema.messageType("t", COLUMNS);
        List<Row> rows = rows(new Random(seed), 30_000 + seed * 777, seed == 3);
        CompressionCodecName codec = seed == 2 ? CompressionCodecName.ZSTD : CompressionCodecName.SNAPPY;
        Path reference = dir.resolve("rows.parquet");
        Path columnar = dir.resolve("columnar.parquet");
        // Small pages and row groups: many of both, and dictionaries that overflow and fall back.
        long rowGroupBytes = 512 * 1024;
        int pageBytes = 16 * 1024;
        ParquetProperties properties = properties(pageBytes, new AdaptiveDictionary());
        Codecs.PageCodec compressor = Codecs.compressor(codec);

        RowFileWriter old = new RowFileWriter(
                new LocalOutputFile(reference), schema, properties, compressor, rowGroupBytes, Map.of());
        for (Row r : rows) {
            old.write(r);
        }
        List<ColumnStats> oldStats = old.close();

        ColumnarFileWriter neu = columnar(columnar, schema, pageBytes, compressor, codec, rowGroupBytes);
        // In batches of random sizes, as the transfer hands them over (it cuts them at the row-group checks)...
        Row[] all = rows.toArray(Row[]::new);
        Random sizes = new Random(seed);
        for (int from = 0; from < all.length; ) {
            int to = Math.min(all.length, from + 1 + sizes.nextInt(1500));
            neu.write(all, from, to);
            from = to;
        }
        List<ColumnStats> newStats = neu.close();
        // ...which writes the same bytes as the rows one by one.
        Path oneByOne = dir.resolve("one-by-one.parquet");
        ColumnarFileWriter single = columnar(oneByOne, schema, pageBytes, compressor, codec, rowGroupBytes);
        for (Row r : rows) {
            single.write(r);
        }
        single.close();
        assertThat(Files.readAllBytes(columnar)).isEqualTo(Files.readAllBytes(oneByOne));

        // The same values and logical types.
        assertThat(Parquet.duckTypes(columnar)).isEqualTo(Parquet.duckTypes(reference));
        assertThat(Parquet.rowsAsText(columnar, "id")).isEqualTo(Parquet.rowsAsText(reference, "id"));

        // The footers agree on counts and bounds (sizes may differ).
        assertThat(newStats).hasSameSizeAs(oldStats);
        for (int i = 0; i < COLUMNS.size(); i++) {
            ColumnStats a = oldStats.get(i);
            ColumnStats b = newStats.get(i);
            String name = COLUMNS.get(i).name();
            assertThat(b.values()).as(name + " values").isEqualTo(a.values());
            assertThat(b.nulls()).as(name + " nulls").isEqualTo(a.nulls());
            assertThat(b.min()).as(name + " min").isEqualTo(a.min());
            assertThat(b.max()).as(name + " max").isEqualTo(a.max());
        }

        // Several row groups, and each one's statistics are what DuckDB computes from its rows.
        List<Map<String, Object>> groups = Parquet.query("SELECT DISTINCT row_group_id, row_group_num_rows FROM "
                + "parquet_metadata('" + columnar + "') ORDER BY row_group_id");
        assertThat(groups).hasSizeGreaterThan(2);
        checkRowGroupStatistics(columnar, groups);

        // Output size: within 5% of parquet-java's.
        long oldSize = Files.size(reference);
        long newSize = Files.size(columnar);
        assertThat((double) newSize)
                .as("columnar %d bytes, rows %d bytes", newSize, oldSize)
                .isBetween(oldSize * 0.95, oldSize * 1.05);
    }

    private static ParquetProperties properties(int pageBytes, AdaptiveDictionary dictionary) {
        return ParquetProperties.builder()
                .withPageSize(pageBytes)
                .withDictionaryPageSize(pageBytes)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withValuesWriterFactory(dictionary)
                .build();
    }

    /** min, max and null count of every non-float column, per row group, against DuckDB's own aggregates. */
    private static void checkRowGroupStatistics(Path file, List<Map<String, Object>> groups) throws Exception {
        long first = 0;
        for (Map<String, Object> g : groups) {
            long group = ((Number) g.get("row_group_id")).longValue();
            long count = ((Number) g.get("row_group_num_rows")).longValue();
            for (ColumnSpec c : COLUMNS) {
                if (c.type().kind() == ColumnType.Kind.FLOAT || c.type().kind() == ColumnType.Kind.DOUBLE) {
                    continue; // NaN: compared through the footers above
                }
                Map<String, Object> meta = Parquet.query("SELECT stats_min_value, stats_max_value, stats_null_count "
                                + "FROM parquet_metadata('" + file + "') WHERE row_group_id = " + group
                                + " AND path_in_schema = '" + c.name() + "'")
                        .get(0);
                String cast = c.type().kind() == ColumnType.Kind.BINARY
                        ? "hex(%s)"
                        : c.type().kind() == ColumnType.Kind.BOOLEAN ? "%s::VARCHAR" : "%s::VARCHAR";
                Map<String, Object> duck = Parquet.query("SET TimeZone='UTC'; SELECT "
                                + String.format(cast, "min(\"" + c.name() + "\")") + " AS mn, "
                                + String.format(cast, "max(\"" + c.name() + "\")") + " AS mx, "
                                + "count(*) - count(\"" + c.name() + "\") AS nulls FROM read_parquet('" + file
                                + "', file_row_number = true) WHERE file_row_number >= " + first
                                + " AND file_row_number < " + (first + count))
                        .get(0);
                String where = c.name() + " in row group " + group;
                assertThat(((Number) meta.get("stats_null_count")).longValue())
                        .as(where + " nulls")
                        .isEqualTo(((Number) duck.get("nulls")).longValue());
                if (duck.get("mn") == null) {
                    continue;
                }
                if (c.type().kind() == ColumnType.Kind.BINARY) {
                    assertThat(hex((String) meta.get("stats_min_value")))
                            .as(where + " min")
                            .isEqualTo(duck.get("mn"));
                    assertThat(hex((String) meta.get("stats_max_value")))
                            .as(where + " max")
                            .isEqualTo(duck.get("mx"));
                } else {
                    assertThat(normal(meta.get("stats_min_value")))
                            .as(where + " min")
                            .isEqualTo(normal(duck.get("mn")));
                    assertThat(normal(meta.get("stats_max_value")))
                            .as(where + " max")
                            .isEqualTo(normal(duck.get("mx")));
                }
            }
            first += count;
        }
    }

    /** DuckDB renders a BLOB statistic as escaped text: back to hex for comparison. */
    private static String hex(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char ch = escaped.charAt(i);
            if (ch == '\\' && i + 3 < escaped.length() && escaped.charAt(i + 1) == 'x') {
                out.append(escaped, i + 2, i + 4);
                i += 3;
            } else {
                out.append(String.format("%02X", (int) ch));
            }
        }
        return out.toString().toUpperCase();
    }

    /** Statistics and aggregates as DuckDB prints them, normalised where the two renderings differ. */
    private static String normal(Object v) {
        String s = String.valueOf(v);
        if (s.endsWith("+00")) {
            s = s.substring(0, s.length() - 3);
        }
        return s.replace('T', ' ');
    }

    /** Rows with every distribution the encoder has a branch for. */
    private static List<Row> rows(Random random, int count, boolean nanAndZeros) {
        List<String> statuses = List.of("paid", "refunded", "pending", "", "shipped");
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Row r = new Row(COLUMNS.size());
            r.clearBytes();
            r.setLong(0, i);
            boolean extreme = random.nextInt(50) == 0;
            for (int c = 1; c < COLUMNS.size(); c++) {
                ColumnSpec spec = COLUMNS.get(c);
                if (spec.nullable() && random.nextInt(5) == 0) {
                    r.setNull(c);
                    continue;
                }
                switch (spec.name()) {
                    case "flag" -> r.setLong(c, random.nextBoolean() ? 1 : 0);
                    case "small", "req_i" ->
                        r.setLong(
                                c,
                                extreme
                                        ? (random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                                        : random.nextInt(1000) - 500);
                    case "big" ->
                        r.setLong(
                                c,
                                extreme ? (random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : random.nextLong());
                    case "low_card" -> r.setLong(c, random.nextInt(7));
                    case "same_s" -> r.setBinary(c, i < count / 2 ? SAME : Binary.fromString("other"));
                    case "runs" -> r.setLong(c, (i / 500) % 3);
                    case "f" -> r.setDouble(c, nanAndZeros ? special(random) : (float) (random.nextGaussian() * 1e3));
                    case "d" -> r.setDouble(c, nanAndZeros ? special(random) : random.nextGaussian() * 1e12);
                    case "dec9" ->
                        r.setLong(
                                c,
                                extreme
                                        ? (random.nextBoolean() ? 999_999_999L : -999_999_999L)
                                        : random.nextInt(100_000));
                    case "dec18" ->
                        r.setLong(
                                c,
                                extreme
                                        ? (random.nextBoolean() ? 999_999_999_999_999_999L : -999_999_999_999_999_999L)
                                        : random.nextLong() % 1_000_000_000_000L);
                    case "dec30" ->
                        r.setBinary(
                                c,
                                Binary.fromConstantByteArray(fixed(
                                        extreme
                                                ? new BigDecimal((random.nextBoolean() ? "-" : "") + "9".repeat(30))
                                                        .unscaledValue()
                                                : BigInteger.valueOf(random.nextLong())
                                                        .multiply(BigInteger.valueOf(random.nextInt(1000) - 500)),
                                        13)));
                    case "s" ->
                        bytes(
                                r,
                                c,
                                random.nextInt(20) == 0 ? "" : "user-" + Long.toHexString(random.nextLong()) + "é✓");
                    case "status", "req_s" -> bytes(r, c, statuses.get(random.nextInt(statuses.size())));
                    case "doc" -> bytes(r, c, "{\"k\":" + random.nextInt(100) + "}");
                    case "blob" -> {
                        byte[] b = new byte[random.nextInt(6)];
                        random.nextBytes(b);
                        r.setBytes(c, b, 0, b.length);
                    }
                    case "day" ->
                        r.setLong(
                                c, extreme ? (random.nextBoolean() ? -719162 : 2932896) : 19000 + random.nextInt(2000));
                    case "t" -> r.setLong(c, extreme ? 86_399_999_999L : (long) random.nextInt(86_400) * 1_000_000L);
                    case "ts", "ntz" ->
                        r.setLong(
                                c,
                                extreme
                                        ? (random.nextBoolean() ? -62135596800000000L : 253402300799999999L)
                                        : 1_700_000_000_000_000L + random.nextInt(1_000_000_000) * 1000L);
                    default -> throw new IllegalStateException(spec.name());
                }
            }
            rows.add(r);
        }
        return rows;
    }

    private static double special(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> Double.NaN;
            case 1 -> -0.0;
            case 2 -> 0.0;
            case 3 -> Double.POSITIVE_INFINITY;
            case 4 -> Double.NEGATIVE_INFINITY;
            default -> random.nextGaussian();
        };
    }

    private static void bytes(Row r, int column, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        r.setBytes(column, b, 0, b.length);
    }

    /** A big-endian two's complement value sign-extended to {@code width} bytes. */
    private static byte[] fixed(BigInteger unscaled, int width) {
        byte[] raw = unscaled.toByteArray();
        byte[] out = new byte[width];
        byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0);
        java.util.Arrays.fill(out, pad);
        System.arraycopy(raw, 0, out, width - raw.length, raw.length);
        return out;
    }
}
