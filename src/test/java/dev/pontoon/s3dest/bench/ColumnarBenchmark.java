package dev.pontoon.s3dest.bench;

import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Staged Parquet beside DuckDB and beside this project's own JSONL path, in one run (issue #27, docs/BENCHMARKS.md):
 * the standard export table written as Parquet by DuckDB (SNAPPY, its default row groups, as warehouses unload it),
 * then (1) the transfer of that Parquet object, (2) DuckDB's {@code COPY (SELECT * FROM read_parquet(…)) TO …}, timed
 * for the statement alone, (3) the transfer of the same rows as JSONL, (4) the transfer of a table of the same shape
 * as an Arrow IPC stream written by Arrow's JavaScript library ({@code src/test/asl/write-export-arrow.mjs}; DuckDB
 * reads Arrow IPC only through an extension this machine cannot download, so it is compared with (2)). Each side in its own JVM (the transfer with the
 * template's GC), the S3 server in another process whose CPU is reported apart. Args: rows (default 5000000), codec
 * of the output (default snappy), calls per transfer JVM (default 2, the second timed; 1 times a fresh JVM's first
 * call, what a cold start pays for each source format).
 *
 * <pre>
 * ./mvnw -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath dev.pontoon.s3dest.bench.ColumnarBenchmark 5000000 snappy"
 * </pre>
 */
public final class ColumnarBenchmark {
    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        String codec = args.length > 1 ? args[1] : "snappy";
        // 2: the second call is timed (warm); 1: a fresh JVM's first call (what a cold start pays for each format)
        String runs = args.length > 2 ? args[2] : "2";
        Path work = Path.of("target/bench").toAbsolutePath();
        Path store = work.resolve("s3-columnar");
        Files.createDirectories(store);
        Path jsonl = work.resolve("export-" + rows + ".jsonl");
        if (!Files.exists(jsonl)) {
            System.out.printf("generating %,d rows of JSONL into %s …%n", rows, jsonl);
            ExportTable.writeJsonl(jsonl, Long.MAX_VALUE, rows, false);
        }
        Path parquet = work.resolve("export-" + rows + ".parquet");
        if (!Files.exists(parquet)) {
            System.out.printf("writing them as Parquet (SNAPPY) with DuckDB into %s …%n", parquet);
            try (var c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                    var st = c.createStatement()) {
                st.execute("COPY (SELECT * FROM read_json('" + jsonl + "', format = 'newline_delimited', columns = "
                        + ExportTable.DUCKDB_COLUMNS + ")) TO '" + parquet + "' (FORMAT PARQUET, COMPRESSION snappy)");
            }
        }
        Path arrows = work.resolve("export-" + rows + ".arrows");
        if (!Files.exists(arrows)) {
            System.out.printf(
                    "writing the export table's shape as Arrow IPC with Arrow's JavaScript library into %s …%n",
                    arrows);
            Process node = new ProcessBuilder(
                            "node",
                            "--max-old-space-size=8192",
                            "write-export-arrow.mjs",
                            Long.toString(rows),
                            arrows.toString())
                    .directory(Path.of("src/test/asl").toFile())
                    .inheritIO()
                    .start();
            if (node.waitFor() != 0) {
                throw new IllegalStateException("node write-export-arrow.mjs failed");
            }
        }
        Process server = ThroughputBenchmark.java(
                List.of("-Xmx1g"), "dev.pontoon.s3dest.testing.S3ServerMain", store.toString());
        List<String> table = new ArrayList<>();
        try {
            String endpoint = ThroughputBenchmark.awaitLine(server, "ENDPOINT ").substring("ENDPOINT ".length());
            try (S3Client s3 = S3TestServer.clientFor(java.net.URI.create(endpoint))) {
                for (String b : List.of("staging", "exports")) {
                    if (!Files.isDirectory(store.resolve(b))) {
                        s3.createBucket(r -> r.bucket(b));
                    }
                }
                s3.putObject(r -> r.bucket("staging").key(parquet.getFileName().toString()), parquet);
                s3.putObject(r -> r.bucket("staging").key(jsonl.getFileName().toString()), jsonl);
                s3.putObject(r -> r.bucket("staging").key(arrows.getFileName().toString()), arrows);
            }
            BenchResult fromParquet = transfer(server, endpoint, parquet, codec, "parquet", table, rows, runs);
            BenchResult duck = BenchResult.parse(ThroughputBenchmark.awaitLine(
                    ThroughputBenchmark.java(
                            List.of("-Xmx512m"),
                            "dev.pontoon.s3dest.bench.DuckDbSide",
                            parquet.toString(),
                            codec,
                            work.resolve("duckdb-from-parquet-" + rows + ".parquet")
                                    .toString()),
                    BenchResult.PREFIX));
            table.add(row("DuckDB COPY from read_parquet (statement only)", duck, rows));
            BenchResult fromJsonl = transfer(server, endpoint, jsonl, codec, "jsonl", table, rows, runs);
            BenchResult fromArrow = transfer(server, endpoint, arrows, codec, "arrow", table, rows, runs);
            table.add(String.format(
                    "| **Parquet transfer ÷ DuckDB** | **%.2f×** rows/s | | **%.2f×** CPU per row | %.3f× size | |",
                    (rows / fromParquet.seconds()) / (rows / duck.seconds()),
                    fromParquet.cpuSeconds() / duck.cpuSeconds(),
                    (double) fromParquet.outputBytes() / duck.outputBytes()));
            table.add(String.format(
                    "| **Parquet transfer ÷ JSONL transfer** | **%.2f×** rows/s | | **%.2f×** CPU per row | | |",
                    (rows / fromParquet.seconds()) / (rows / fromJsonl.seconds()),
                    fromParquet.cpuSeconds() / fromJsonl.cpuSeconds()));
            table.add(String.format(
                    "| **Arrow transfer ÷ DuckDB (from Parquet)** | **%.2f×** rows/s | | **%.2f×** CPU per row | | |",
                    (rows / fromArrow.seconds()) / (rows / duck.seconds()),
                    fromArrow.cpuSeconds() / duck.cpuSeconds()));
            table.add(String.format(
                    "| **Arrow transfer ÷ JSONL transfer** | **%.2f×** rows/s | | **%.2f×** CPU per row | | |",
                    (rows / fromArrow.seconds()) / (rows / fromJsonl.seconds()),
                    fromArrow.cpuSeconds() / fromJsonl.cpuSeconds()));
        } finally {
            server.getOutputStream().close();
            server.waitFor();
        }
        System.out.println();
        System.out.printf("%,d rows of the export table, output %s, Java %s%n", rows, codec, Runtime.version());
        System.out.println("| path | rows/s | seconds | CPU s per 1M rows | output bytes | peak RSS MiB |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        table.forEach(System.out::println);
    }

    private static BenchResult transfer(
            Process server,
            String endpoint,
            Path input,
            String codec,
            String format,
            List<String> table,
            long rows,
            String runs)
            throws Exception {
        long serverBefore = cpuTicks(server);
        BenchResult r = BenchResult.parse(ThroughputBenchmark.awaitLine(
                ThroughputBenchmark.java(
                        List.of("-Xmx512m", ThroughputBenchmark.TRANSFER_JVM_OPTIONS),
                        "dev.pontoon.s3dest.bench.TransferSide",
                        endpoint,
                        "s3://staging/" + input.getFileName(),
                        codec,
                        runs,
                        format),
                BenchResult.PREFIX));
        if (r.rows() != rows) {
            throw new IllegalStateException("the transfer wrote " + r.rows() + " rows, not " + rows);
        }
        table.add(row(
                "transfer from " + format + (runs.equals("1") ? ", first call of a fresh JVM" : ", warm")
                        + " (s3proxy used " + String.format("%.1f", (cpuTicks(server) - serverBefore) / 100.0)
                        + " CPU s)",
                r,
                rows));
        return r;
    }

    private static String row(String who, BenchResult r, long rows) {
        return String.format(
                "| %s | %,.0f | %.2f | %.2f | %,d | %.0f |",
                who,
                rows / r.seconds(),
                r.seconds(),
                r.cpuSeconds() / (rows / 1e6),
                r.outputBytes(),
                r.peakRssBytes() / 1048576.0);
    }

    private static long cpuTicks(Process p) {
        try {
            return BenchResult.cpuTicks(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat")));
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
