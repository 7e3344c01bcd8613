package dev.pontoon.s3dest.bench;

import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The transfer beside DuckDB in the same run (docs/BENCHMARKS.md): the standard export table as JSONL at each row
 * count, each codec; the transfer path (staged JSONL → Parquet → multipart upload to s3proxy in its own process) and
 * DuckDB's {@code COPY … TO … (FORMAT PARQUET)} each run in a child JVM of their own so peak RSS is theirs alone.
 * Args: row counts (comma-separated, default 1000000,5000000), codecs (default snappy,zstd), JVM heap for the
 * transfer (default 512m).
 */
public final class ThroughputBenchmark {
    /** The transfer function's JVM options in template.yaml, so the benchmark runs what is deployed. */
    static final String TRANSFER_JVM_OPTIONS = "-XX:+UseSerialGC";

    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        String[] counts = (args.length > 0 ? args[0] : "1000000,5000000").split(",");
        String[] codecs = (args.length > 1 ? args[1] : "snappy,zstd").split(",");
        String heap = args.length > 2 ? args[2] : "512m";
        Path work = Path.of("target/bench").toAbsolutePath();
        Path store = work.resolve("s3-throughput");
        Files.createDirectories(store);

        Process server = java(List.of("-Xmx1g"), "dev.pontoon.s3dest.testing.S3ServerMain", store.toString());
        List<String> table = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        // The deployed function (function.zip on Java 25) when it is built and Java 25 is there; else in-process only.
        String classpath = null;
        if (Files.exists(Path.of("target/function.zip")) && Files.exists(ColdStartBenchmark.JAVA25)) {
            classpath = DeployedSide.taskClasspath();
        } else {
            System.out.println("no target/function.zip or Java 25: the deployed function is not measured");
        }
        try {
            String endpoint = awaitLine(server, "ENDPOINT ").substring("ENDPOINT ".length());
            try (S3Client s3 = S3TestServer.clientFor(java.net.URI.create(endpoint))) {
                for (String count : counts) {
                    long rows = Long.parseLong(count);
                    Path input = stage(s3, store, work, rows);
                    long inputBytes = Files.size(input);
                    String key = input.getFileName().toString();
                    for (String codec : codecs) {
                        long serverBefore = cpuTicks(server);
                        BenchResult ours = BenchResult.parse(awaitLine(
                                java(
                                        List.of("-Xmx" + heap, TRANSFER_JVM_OPTIONS),
                                        "dev.pontoon.s3dest.bench.TransferSide",
                                        endpoint,
                                        "s3://staging/" + key,
                                        codec),
                                BenchResult.PREFIX));
                        if (serverBefore >= 0) {
                            System.out.printf(
                                    "  s3proxy (another process on the same cores) used %.1f CPU s during the transfer%n",
                                    (cpuTicks(server) - serverBefore) / 100.0);
                        }
                        DeployedSide.Result deployed = null;
                        DeployedSide.Result primed = null;
                        if (classpath != null) {
                            byte[] event = TransferSide.event(endpoint, "s3://staging/" + key, codec, "jsonl")
                                    .toString()
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            // as deployed without SnapStart (no rehearsal), then primed as SnapStart's snapshot is
                            deployed = DeployedSide.run(classpath, event, 2, server.pid(), "off");
                            primed = DeployedSide.run(classpath, event, 2, server.pid(), "init");
                            for (DeployedSide.Result r : List.of(deployed, primed)) {
                                for (DeployedSide.Call call : r.calls()) {
                                    if (call.rows() != rows) {
                                        throw new IllegalStateException(
                                                "the deployed function wrote " + call.rows() + " rows of " + rows);
                                    }
                                }
                            }
                        }
                        BenchResult polars =
                                polars(input, codec, work.resolve("polars-" + rows + "-" + codec + ".parquet"));
                        BenchResult duck = BenchResult.parse(awaitLine(
                                java(
                                        List.of("-Xmx512m"),
                                        "dev.pontoon.s3dest.bench.DuckDbSide",
                                        input.toString(),
                                        codec,
                                        work.resolve("duckdb-" + rows + "-" + codec + ".parquet")
                                                .toString()),
                                BenchResult.PREFIX));
                        if (ours.rows() != rows || duck.rows() != rows) {
                            throw new IllegalStateException(
                                    "row counts differ: transfer " + ours.rows() + ", DuckDB " + duck.rows());
                        }
                        if (ours.coldSeconds() > 0) {
                            table.add(row(
                                    rows,
                                    codec,
                                    "transfer, cold (first call)",
                                    ours.rows() / ours.coldSeconds(),
                                    ours.coldCpuSeconds(),
                                    ours,
                                    inputBytes,
                                    ours.coldSeconds()));
                        }
                        table.add(row(
                                rows,
                                codec,
                                "transfer, warm",
                                ours.rows() / ours.seconds(),
                                ours.cpuSeconds(),
                                ours,
                                inputBytes,
                                ours.seconds()));
                        table.add(row(
                                rows,
                                codec,
                                "DuckDB",
                                duck.rows() / duck.seconds(),
                                duck.cpuSeconds(),
                                duck,
                                inputBytes,
                                duck.seconds()));
                        if (deployed != null) {
                            addCalls(table, calls, rows, codec, inputBytes, ours.outputBytes(), deployed, false);
                            addCalls(table, calls, rows, codec, inputBytes, ours.outputBytes(), primed, true);
                        }
                        if (polars != null) {
                            table.add(row(
                                    rows,
                                    codec,
                                    "Polars (nodejs-polars 0.25.2)",
                                    polars.rows() / polars.seconds(),
                                    polars.cpuSeconds(),
                                    polars,
                                    inputBytes,
                                    polars.seconds()));
                        }
                        if (deployed != null) {
                            DeployedSide.Call warm =
                                    deployed.calls().get(deployed.calls().size() - 1);
                            table.add(String.format(
                                    "| %,d | %s | **deployed warm ÷ DuckDB** | **%.2f×** rows/s | **%.2f×** CPU | | "
                                            + "| | **%.2f×** RSS |",
                                    rows,
                                    codec,
                                    (warm.rows() / warm.seconds()) / (duck.rows() / duck.seconds()),
                                    warm.cpuSeconds() / duck.cpuSeconds(),
                                    (double) deployed.peakRssBytes() / duck.peakRssBytes()));
                        }
                        table.add(String.format(
                                "| %,d | %s | **warm ÷ DuckDB** | **%.2f×** rows/s | **%.2f×** CPU | | **%.3f×** size | "
                                        + "| **%.2f×** RSS |",
                                rows,
                                codec,
                                (ours.rows() / ours.seconds()) / (duck.rows() / duck.seconds()),
                                ours.cpuSeconds() / duck.cpuSeconds(),
                                (double) ours.outputBytes() / duck.outputBytes(),
                                (double) ours.peakRssBytes() / duck.peakRssBytes()));
                    }
                }
            }
        } finally {
            server.getOutputStream().close();
            server.waitFor();
        }
        System.out.println();
        System.out.println(
                "| rows | codec | writer | rows/s | CPU s per 1M rows | input MB/s | output bytes | peak heap "
                        + "MiB | peak RSS MiB |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        table.forEach(System.out::println);
        if (!calls.isEmpty()) {
            System.out.println();
            System.out.println(
                    "The deployed function's calls: CPU seconds per 1M rows of its own process, of that the JIT"
                            + " compiler threads', and the S3 server's (another process on the same cores) over the same call.");
            System.out.println();
            System.out.println(
                    "| rows | codec | call | function CPU s / 1M rows | of it JIT | S3 server CPU s / 1M rows |");
            System.out.println("| --- | --- | --- | --- | --- | --- |");
            calls.forEach(System.out::println);
        }
    }

    /** The deployed function's calls: a row each in the main table, and their CPU, JIT and S3 server share. */
    private static void addCalls(
            List<String> table,
            List<String> calls,
            long rows,
            String codec,
            long inputBytes,
            long outputBytes,
            DeployedSide.Result result,
            boolean primed) {
        for (int call = 0; call < result.calls().size(); call++) {
            DeployedSide.Call c = result.calls().get(call);
            String which = primed
                    ? "deployed, primed at init (SnapStart), " + (call == 0 ? "first call" : "warm")
                    : "deployed function, " + (call == 0 ? "cold (first call)" : "warm");
            table.add(row(
                    rows,
                    codec,
                    which,
                    c.rows() / c.seconds(),
                    c.cpuSeconds(),
                    new BenchResult(
                            c.rows(), c.seconds(), outputBytes, -1, result.peakRssBytes(), c.cpuSeconds(), -1, -1),
                    inputBytes,
                    c.seconds()));
            calls.add(String.format(
                    "| %,d | %s | %s | %.2f | %.2f | %.2f |",
                    rows,
                    codec,
                    primed ? (call == 0 ? "primed, first" : "primed, warm") : (call == 0 ? "cold" : "warm"),
                    c.cpuSeconds() / (rows / 1e6),
                    c.jitSeconds() / (rows / 1e6),
                    c.s3ServerSeconds() / (rows / 1e6)));
        }
    }

    /**
     * Polars converting the same JSONL ({@code src/test/bench-node/polars-side.mjs}), or null when its packages are
     * not installed ({@code npm ci --prefix src/test/bench-node}).
     */
    private static BenchResult polars(Path input, String codec, Path output) throws Exception {
        Path script = Path.of("src/test/bench-node/polars-side.mjs").toAbsolutePath();
        if (!Files.isDirectory(script.resolveSibling("node_modules/nodejs-polars"))) {
            System.out.println("  Polars is not installed (npm ci --prefix src/test/bench-node): not measured");
            return null;
        }
        Process p = new ProcessBuilder("node", script.toString(), input.toString(), codec, output.toString())
                .redirectErrorStream(true)
                .start();
        return BenchResult.parse(awaitLine(p, BenchResult.PREFIX));
    }

    /** The process's CPU time so far in 1/100 s, or -1 where /proc is not there. */
    private static long cpuTicks(Process p) {
        try {
            return BenchResult.cpuTicks(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat")));
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String row(
            long rows,
            String codec,
            String who,
            double rowsPerSecond,
            double cpuSeconds,
            BenchResult r,
            long inputBytes,
            double seconds) {
        return String.format(
                "| %,d | %s | %s | %,.0f | %.2f | %.1f | %,d | %s | %.0f |",
                rows,
                codec,
                who,
                rowsPerSecond,
                cpuSeconds / (rows / 1e6),
                inputBytes / 1e6 / seconds,
                r.outputBytes(),
                r.peakHeapBytes() < 0 ? "—" : String.format("%.0f", r.peakHeapBytes() / 1048576.0),
                r.peakRssBytes() / 1048576.0);
    }

    /**
     * The export table of {@code rows} rows as JSONL ({@code work/export-<rows>.jsonl}, generated once), staged at
     * {@code s3://staging/<its name>} of the S3 server whose folder is {@code store}; makes the buckets it needs.
     */
    static Path stage(S3Client s3, Path store, Path work, long rows) throws IOException {
        for (String b : List.of("staging", "exports")) {
            if (!Files.isDirectory(store.resolve(b))) {
                s3.createBucket(r -> r.bucket(b));
            }
        }
        Path input = work.resolve("export-" + rows + ".jsonl");
        if (!Files.exists(input)) {
            System.out.printf("generating %,d rows of JSONL into %s …%n", rows, input);
            ExportTable.writeJsonl(input, Long.MAX_VALUE, rows, false);
        }
        s3.putObject(r -> r.bucket("staging").key(input.getFileName().toString()), input);
        return input;
    }

    static Process java(List<String> options, String main, String... args) throws Exception {
        return java(Path.of(System.getProperty("java.home"), "bin", "java"), options, main, args);
    }

    /** A child JVM run by the {@code java} launcher at {@code java}, on this class path. */
    static Process java(Path java, List<String> options, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(options);
        cmd.addAll(List.of(
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp",
                System.getProperty("java.class.path"),
                main));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        // the local S3 server is plain http on loopback: allowed as the operator would (SPEC §12)
        builder.environment().put("S3DEST_ALLOWED_ENDPOINTS", "http://127.0.0.1:*");
        return builder.start();
    }

    /** Echoes the child's output until a line starts with {@code prefix}, and returns that line. */
    static String awaitLine(Process p, String prefix) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (!line.isBlank() && !line.contains("LogManager")) {
                System.out.println("  [" + p.pid() + "] " + line);
            }
        }
        throw new IllegalStateException(
                "child process ended without '" + prefix.trim() + "' (exit " + p.waitFor() + ")");
    }
}
