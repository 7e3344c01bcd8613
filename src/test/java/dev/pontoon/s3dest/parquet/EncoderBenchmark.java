package dev.pontoon.s3dest.parquet;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;

/**
 * The encoders alone, on one thread, warm: rows of the benchmark's export table shape (decoded once, in memory)
 * written as Parquet to a counting sink by parquet-java's per-value path ({@link RowFileWriter}) and by the
 * columnar encoder ({@link ColumnarFileWriter}), alternately, best of several passes. Prints rows/s and CPU
 * seconds per million rows for each.
 *
 * <pre>
 * ./mvnw -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-Xmx1g -cp %classpath dev.pontoon.s3dest.parquet.EncoderBenchmark 1000000 snappy"
 * </pre>
 */
public final class EncoderBenchmark {
    private static final List<ColumnSpec> COLUMNS = List.of(
            new ColumnSpec("id", ColumnType.of(ColumnType.Kind.BIGINT), false),
            spec("customer_id", "bigint"),
            spec("email", "string"),
            spec("amount", "decimal(12,2)"),
            spec("currency", "string"),
            spec("status", "string"),
            spec("created_at", "timestamptz"),
            spec("updated_at", "timestamptz"),
            spec("is_active", "boolean"),
            spec("score", "double"),
            spec("note", "string"),
            // what the transfer adds to every row: the same two values throughout
            new ColumnSpec("pontoon__batch_id", ColumnType.of(ColumnType.Kind.STRING), false),
            new ColumnSpec("pontoon__last_synced_at", ColumnType.of(ColumnType.Kind.TIMESTAMP), false));

    private static ColumnSpec spec(String name, String type) {
        return new ColumnSpec(name, ColumnType.parse(name, type), true);
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        CompressionCodecName codec = CompressionCodecName.valueOf((args.length > 1 ? args[1] : "snappy").toUpperCase());
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String only = args.length > 3 ? args[3] : "both"; // rows | columnar | both (one only, for a profile)
        List<Row> rows = rows(200_000);
        MessageType schema = ParquetSchema.messageType("export", COLUMNS);
        Codecs.PageCodec compressor = Codecs.compressor(codec);
        long rowGroupBytes = 8L << 20;
        int pageBytes = 1 << 20;
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Row[] batch = new Row[1024];
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] bestCpu = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] size = new long[2];
        for (int pass = 0; pass < passes; pass++) {
            for (int which = 0; which < 2; which++) {
                if ((only.equals("rows") && which == 1) || (only.equals("columnar") && which == 0)) {
                    continue;
                }
                Counting out = new Counting();
                ParquetProperties properties = ParquetProperties.builder()
                        .withPageSize(pageBytes)
                        .withDictionaryPageSize(pageBytes)
                        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                        .withValuesWriterFactory(new AdaptiveDictionary())
                        .build();
                long cpu0 = bean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                if (which == 0) {
                    RowFileWriter w = new RowFileWriter(out, schema, properties, compressor, rowGroupBytes, Map.of());
                    for (int i = 0; i < total; i++) {
                        w.write(rows.get(i % rows.size()));
                    }
                    w.close();
                } else {
                    ColumnarFileWriter w = new ColumnarFileWriter(
                            out, schema, properties, compressor, codec, rowGroupBytes, Map.of(), new HashSet<>());
                    // in batches of the pipeline's size, as the transfer hands them over
                    for (int i = 0; i < total; i += batch.length) {
                        int n = Math.min(batch.length, total - i);
                        for (int r = 0; r < n; r++) {
                            batch[r] = rows.get((i + r) % rows.size());
                        }
                        w.write(batch, 0, n);
                    }
                    w.close();
                }
                long wall = System.nanoTime() - t0;
                long cpu = bean.getCurrentThreadCpuTime() - cpu0;
                best[which] = Math.min(best[which], wall);
                bestCpu[which] = Math.min(bestCpu[which], cpu);
                size[which] = out.position;
            }
        }
        System.out.printf(
                "%,d rows of the export table shape, %s, best of %d passes, one thread%n", total, codec, passes);
        System.out.println("| encoder | rows/s | CPU s per 1M rows | output bytes |");
        System.out.println("| --- | --- | --- | --- |");
        String[] names = {"parquet-java per value (RowFileWriter)", "columnar (ColumnarFileWriter)"};
        for (int which = 0; which < 2; which++) {
            System.out.printf(
                    "| %s | %,.0f | %.3f | %,d |%n",
                    names[which], total / (best[which] / 1e9), bestCpu[which] / 1e9 / (total / 1e6), size[which]);
        }
    }

    /** Export-table-like rows: unique ids and emails, low-cardinality codes, timestamps, free text. */
    private static List<Row> rows(int count) {
        Random random = new Random(42);
        String[] currencies = {"USD", "EUR", "GBP", "JPY", "CAD"};
        String[] statuses = {"active", "pending", "churned", "trial"};
        String[] words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split(" ");
        List<Row> rows = new ArrayList<>(count);
        long start = 1_700_000_000_000_000L;
        for (int i = 0; i < count; i++) {
            Row r = new Row(COLUMNS.size());
            r.setLong(0, i);
            r.setLong(1, random.nextInt(100_000));
            set(r, 2, "user" + i + "@example" + random.nextInt(100) + ".com");
            r.setLong(3, random.nextInt(10_000_000));
            set(r, 4, currencies[random.nextInt(currencies.length)]);
            set(r, 5, statuses[random.nextInt(statuses.length)]);
            r.setLong(6, start + i * 1_000_000L);
            if (random.nextInt(10) == 0) {
                r.setNull(7);
            } else {
                r.setLong(7, start + i * 1_000_000L + random.nextInt(1_000_000_000));
            }
            r.setLong(8, random.nextBoolean() ? 1 : 0);
            r.setDouble(9, random.nextDouble() * 100);
            StringBuilder note = new StringBuilder();
            for (int w = 0, n = 3 + random.nextInt(8); w < n; w++) {
                note.append(words[random.nextInt(words.length)]).append(' ');
            }
            set(r, 10, note.toString());
            set(r, 11, "0e0b1f5c-7e38-4d2a-9a7a-3c0f4c6b2d11");
            r.setLong(12, start);
            rows.add(r);
        }
        return rows;
    }

    private static void set(Row r, int column, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        r.setBytes(column, b, 0, b.length);
    }

    /** Discards the file, counting its bytes. */
    private static final class Counting implements OutputFile {
        long position;

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
                    return position;
                }

                @Override
                public void write(int b) {
                    position++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    position += len;
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
    }
}
