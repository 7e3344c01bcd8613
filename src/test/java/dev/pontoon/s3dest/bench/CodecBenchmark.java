package dev.pontoon.s3dest.bench;

import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure-Java page codecs (aircompressor, what the function ships) against the JNI ones (snappy-java, zstd-jni) on
 * the bytes a Parquet writer compresses: the standard export table written UNCOMPRESSED by DuckDB, cut into 1 MiB
 * pieces (the page size). Prints compression MB/s, ratio, and each library's jar size (what it would add to
 * function.zip). Args: rows (default 1000000).
 */
public final class CodecBenchmark {
    private static final int PAGE = 1 << 20;

    interface Codec {
        int compress(byte[] in, int off, int len, byte[] out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path work = Path.of("target/bench").toAbsolutePath();
        Files.createDirectories(work);
        Path jsonl = work.resolve("export-" + rows + ".jsonl");
        if (!Files.exists(jsonl)) {
            ExportTable.writeJsonl(jsonl, Long.MAX_VALUE, rows, false);
        }
        Path plain = work.resolve("export-" + rows + "-uncompressed.parquet");
        Files.deleteIfExists(plain);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("COPY (SELECT * FROM read_json('" + jsonl + "', format = 'newline_delimited', columns = "
                    + ExportTable.DUCKDB_COLUMNS + ")) TO '" + plain + "' (FORMAT PARQUET, COMPRESSION uncompressed)");
        }
        byte[] data = Files.readAllBytes(plain);
        List<int[]> pages = new ArrayList<>();
        for (int off = 0; off < data.length; off += PAGE) {
            pages.add(new int[] {off, Math.min(PAGE, data.length - off)});
        }
        byte[] out = new byte[PAGE * 2];

        Map<String, Codec> codecs = new LinkedHashMap<>();
        Compressor airSnappy = new SnappyCompressor();
        Compressor airZstd = new ZstdCompressor();
        codecs.put(
                "snappy aircompressor (pure Java)",
                (in, off, len, o) -> airSnappy.compress(in, off, len, o, 0, o.length));
        codecs.put(
                "snappy snappy-java (JNI)", (in, off, len, o) -> org.xerial.snappy.Snappy.compress(in, off, len, o, 0));
        codecs.put(
                "zstd aircompressor (pure Java)", (in, off, len, o) -> airZstd.compress(in, off, len, o, 0, o.length));
        codecs.put("zstd zstd-jni (JNI, level 3)", (in, off, len, o) ->
                (int) com.github.luben.zstd.Zstd.compressByteArray(o, 0, o.length, in, off, len, 3));

        System.out.printf(
                "input: %s, %,d bytes in %d pages of 1 MiB%n%n", plain.getFileName(), data.length, pages.size());
        System.out.println("| codec | compress MB/s | output/input | jar bytes |");
        System.out.println("| --- | --- | --- | --- |");
        for (Map.Entry<String, Codec> e : codecs.entrySet()) {
            long compressed = 0;
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 8; round++) {
                long start = System.nanoTime();
                compressed = 0;
                for (int[] p : pages) {
                    compressed += e.getValue().compress(data, p[0], p[1], out);
                }
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            System.out.printf(
                    "| %s | %.0f | %.3f | %,d |%n",
                    e.getKey(),
                    data.length / 1e6 / best,
                    (double) compressed / data.length,
                    jarSize(
                            e.getKey().startsWith("snappy snappy-java")
                                    ? org.xerial.snappy.Snappy.class
                                    : e.getKey().contains("zstd-jni")
                                            ? com.github.luben.zstd.Zstd.class
                                            : SnappyCompressor.class));
        }
        System.out.println("\n(best of 8 passes each; the first passes warm the JIT)");
    }

    private static long jarSize(Class<?> type) throws Exception {
        return Files.size(
                Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
}
