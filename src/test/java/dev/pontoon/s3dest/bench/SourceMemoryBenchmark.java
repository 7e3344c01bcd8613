package dev.pontoon.s3dest.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.handler.TransferBeans;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Memory benchmark of a source-pointer transfer (docs/BENCHMARKS.md): a staged JSONL.gz of at least N MB
 * uncompressed goes through the transfer with the JVM limited by the caller (e.g. -Xmx160m, what a 256 MB Lambda
 * leaves); prints rows, rows/s, MB/s, peak heap and peak RSS, then checks the row count with DuckDB.
 * The S3 server runs in a child process so its memory is not counted.
 */
public final class SourceMemoryBenchmark {
    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path work = Path.of(args.length > 1 ? args[1] : "target/bench").toAbsolutePath();
        Path store = work.resolve("s3");
        Files.createDirectories(store);
        Path input = work.resolve("export-" + megabytes + "mb.jsonl.gz");
        Path rowsFile = work.resolve("export-" + megabytes + "mb.rows");
        long rows;
        if (Files.exists(input) && Files.exists(rowsFile)) {
            rows = Long.parseLong(Files.readString(rowsFile).trim());
        } else {
            System.out.printf("generating %d MB of JSONL (gzip) into %s …%n", megabytes, input);
            rows = ExportTable.writeJsonl(input, megabytes << 20, true);
            Files.writeString(rowsFile, Long.toString(rows));
        }
        long uncompressed = megabytes << 20;
        System.out.printf(
                "input: %s, %,d rows, %,d bytes gzip, ≥ %,d bytes JSONL%n",
                input.getFileName(), rows, Files.size(input), uncompressed);

        Process server = new ProcessBuilder(
                        javaBin(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.pontoon.s3dest.testing.S3ServerMain",
                        store.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
            String endpoint = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("ENDPOINT ")) {
                    endpoint = line.substring("ENDPOINT ".length());
                    break;
                }
            }
            if (endpoint == null) {
                throw new IllegalStateException("the S3 server did not start");
            }
            try (S3Client s3 = S3TestServer.clientFor(java.net.URI.create(endpoint))) {
                for (String b : List.of("staging", "exports")) {
                    if (!Files.isDirectory(store.resolve(b))) {
                        s3.createBucket(r -> r.bucket(b));
                    }
                }
                s3.putObject(r -> r.bucket("staging").key("export.jsonl.gz"), input);
            }
            runTransfer(endpoint, store, rows, uncompressed);
        } finally {
            server.getOutputStream().close();
            server.waitFor();
        }
    }

    private static void runTransfer(String endpoint, Path store, long rows, long uncompressed) throws Exception {
        ObjectNode destination = (ObjectNode) Json.read("{}");
        destination.put("s3_bucket", "exports");
        destination.put("s3_prefix", "bench");
        destination.put("s3_region", S3TestServer.REGION);
        destination.put("endpoint_url", endpoint);
        destination.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
        destination.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
        ObjectNode event =
                Events.transfer(destination, "export", "2025-09-25T13:22:33.123Z", "bench", ExportTable.COLUMNS);
        event.remove("rows");
        event.putObject("source").put("format", "jsonl").putArray("uris").add("s3://staging/export.jsonl.gz");

        System.gc();
        BenchResult.HeapSampler heap = new BenchResult.HeapSampler();

        long start = System.nanoTime();
        TransferResult result = TransferBeans.defaultService().transfer(EventParser.transferEvent(event));
        double seconds = (System.nanoTime() - start) / 1e9;
        long peakHeap = heap.stop();
        long rssPeak = vmHwmBytes();
        long maxHeap = Runtime.getRuntime().maxMemory();

        System.out.printf(
                "%ntransfer: %,d rows in %.1f s: %,.0f rows/s, %.1f MB/s of JSONL, %d files, %,d bytes Parquet (SNAPPY)%n",
                result.rows(),
                seconds,
                result.rows() / seconds,
                uncompressed / 1e6 / seconds,
                result.files().size(),
                result.bytes());
        System.out.printf(
                "memory: peak heap used %.1f MiB (max heap %.0f MiB), peak RSS %.1f MiB%n",
                peakHeap / 1048576.0, maxHeap / 1048576.0, rssPeak / 1048576.0);

        long counted = 0;
        for (FileResult f : result.files()) {
            counted += Parquet.count(store.resolve("exports").resolve(f.key()));
        }
        System.out.printf(
                "DuckDB count over the %d files: %,d rows (%s)%n",
                result.files().size(), counted, counted == rows ? "matches the input" : "MISMATCH: input has " + rows);
        if (counted != rows) {
            System.exit(1);
        }
    }

    /** Peak resident set size of this process (Linux). */
    static long vmHwmBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
