package dev.pontoon.s3dest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Child process of {@link ThroughputBenchmark}: DuckDB (JDBC, its default threads) converting the same JSONL to
 * Parquet with the same column types and codec. Args: input file, codec, output file.
 */
public final class DuckDbSide {
    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        String codec = args[1];
        Path output = Path.of(args[2]);
        Files.deleteIfExists(output);
        BenchResult.HeapSampler heap = new BenchResult.HeapSampler();
        long rows;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            // Timed from here: the statement alone, not the driver's native library load and connect (#26).
            long start = System.nanoTime();
            double cpu0 = BenchResult.processCpuSeconds();
            String read = input.toString().endsWith(".parquet")
                    ? "read_parquet('" + input + "')"
                    : "read_json('" + input + "', format = 'newline_delimited', columns = " + ExportTable.DUCKDB_COLUMNS
                            + ")";
            st.execute("COPY (SELECT * FROM " + read + ") TO '" + output + "' (FORMAT PARQUET, COMPRESSION " + codec
                    + ")");
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = BenchResult.processCpuSeconds() - cpu0;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + output + "')")) {
                rs.next();
                rows = rs.getLong(1);
            }
            System.out.println(new BenchResult(
                            rows,
                            seconds,
                            Files.size(output),
                            heap.stop(),
                            SourceMemoryBenchmark.vmHwmBytes(),
                            cpu,
                            -1,
                            -1)
                    .line());
        }
    }
}
