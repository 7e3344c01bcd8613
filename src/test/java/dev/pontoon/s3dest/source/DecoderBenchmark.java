package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.Row;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONL decoder alone, on one thread, warm: the benchmark's export table (a JSONL file written by
 * {@code ThroughputBenchmark}, held in memory) cut into blocks and decoded into one reused row, best of several
 * passes. Prints rows/s and CPU seconds per million rows.
 *
 * <pre>
 * ./mvnw -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-Xmx1g -cp %classpath dev.pontoon.s3dest.source.DecoderBenchmark target/bench/export-1000000.jsonl 8"
 * </pre>
 */
public final class DecoderBenchmark {
    private static final String[] COLUMNS = {
        "id:bigint!", "customer_id:bigint", "email:string", "amount:decimal(12,2)", "currency:string",
        "status:string", "created_at:timestamptz", "updated_at:timestamptz", "is_active:boolean", "score:double",
        "note:string"
    };

    public static void main(String[] args) throws Exception {
        byte[] input = Files.readAllBytes(Path.of(args[0]));
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<ColumnSpec> columns = new ArrayList<>();
        for (String c : COLUMNS) {
            String[] nameType = c.replace("!", "").split(":");
            columns.add(new ColumnSpec(nameType[0], ColumnType.parse(nameType[0], nameType[1]), !c.endsWith("!")));
        }
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        JsonLineDecoder decoder = new JsonLineDecoder(columns, Json.MAPPER);
        // rows as the pipeline holds them: a batch's rows are distinct objects (args[2], default 1)
        Row[] batch = new Row[args.length > 2 ? Integer.parseInt(args[2]) : 1];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new Row(columns.size());
        }
        long best = Long.MAX_VALUE;
        long rows = 0;
        for (int pass = 0; pass < passes; pass++) {
            long cpu0 = bean.getCurrentThreadCpuTime();
            LineBlocks blocks = new LineBlocks(new ByteArrayInputStream(input), 512 * 1024, 2048, 1 << 20);
            rows = 0;
            for (LineBlocks.Block block; (block = blocks.next()) != null; ) {
                LineReader lines = new LineReader(block.bytes(), block.length(), 1 << 20);
                while (lines.next()) {
                    if (!decoder.decode(
                            lines.buffer(), lines.start(), lines.end(), batch[(int) (rows % batch.length)])) {
                        throw new IllegalStateException("line declined by the fast path");
                    }
                    rows++;
                }
                blocks.release(block.bytes());
            }
            best = Math.min(best, bean.getCurrentThreadCpuTime() - cpu0);
        }
        System.out.printf(
                "decoder: %,d rows, best of %d: %,.0f rows/s, %.3f CPU-s per 1M rows%n",
                rows, passes, rows / (best / 1e9), best / 1e9 / (rows / 1e6));
    }
}
