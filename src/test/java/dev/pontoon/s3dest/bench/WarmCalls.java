package dev.pontoon.s3dest.bench;

import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.handler.TransferBeans;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Calls of the transfer service in one JVM, as a warm container makes them: on Java 25 with the template's transfer
 * flags and {@code -XX:MaxRAM} of its memory, {@code warm} calls unmeasured, then {@code measured} calls, each
 * printed with its CPU, its GC time and its compiler threads' time. The tool behind the A/B figures of
 * docs/BENCHMARKS.md ("What changed"): run it on two builds in turn. The S3 server is its own process, as in
 * {@link ThroughputBenchmark}, whose staged input it shares. Extra JVM options for the measured process (a
 * profiler's {@code -agentpath}, {@code -XX:+LogCompilation}) come from {@code S3DEST_BENCH_OPTIONS}.
 *
 * <p>Args: rows (1000000), codec (snappy), warm calls (1), measured calls (1).
 */
public final class WarmCalls {
    private WarmCalls() {}

    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        String codec = args.length > 1 ? args[1] : "snappy";
        String warm = args.length > 2 ? args[2] : "1";
        String measured = args.length > 3 ? args[3] : "1";
        Path work = Path.of("target/bench").toAbsolutePath();
        Path store = work.resolve("s3-throughput");
        Files.createDirectories(store);
        Process server = ThroughputBenchmark.java(
                List.of("-Xmx1g"), "dev.pontoon.s3dest.testing.S3ServerMain", store.toString());
        try {
            String endpoint = ThroughputBenchmark.awaitLine(server, "ENDPOINT ").substring("ENDPOINT ".length());
            String key;
            try (S3Client s3 = S3TestServer.clientFor(java.net.URI.create(endpoint))) {
                key = ThroughputBenchmark.stage(s3, store, work, rows)
                        .getFileName()
                        .toString();
            }
            List<String> options = new ArrayList<>(List.of("-XX:MaxRAM=" + DeployedSide.MEMORY_MB + "m"));
            options.addAll(DeployedSide.TEMPLATE_OPTIONS);
            String extra = System.getenv("S3DEST_BENCH_OPTIONS");
            if (extra != null && !extra.isBlank()) {
                options.addAll(List.of(extra.trim().split("\\s+")));
            }
            System.out.println("measured JVM: " + ColdStartBenchmark.JAVA25 + " " + String.join(" ", options));
            Process child = ThroughputBenchmark.java(
                    ColdStartBenchmark.JAVA25,
                    options,
                    Child.class.getName(),
                    endpoint,
                    "s3://staging/" + key,
                    codec,
                    warm,
                    measured);
            ThroughputBenchmark.awaitLine(child, Child.DONE);
            child.waitFor();
        } finally {
            server.destroy();
        }
    }

    /** The measured process. Args: endpoint, uri, codec, warm calls, measured calls. */
    public static final class Child {
        static final String DONE = "DONE";

        private Child() {}

        public static void main(String[] args) throws Exception {
            StandaloneLogging.configure();
            var event = TransferSide.event(args[0], args[1], args[2], "jsonl");
            int warm = Integer.parseInt(args[3]);
            int measured = Integer.parseInt(args[4]);
            var service = TransferBeans.defaultService();
            var compiler = ManagementFactory.getCompilationMXBean();
            for (int call = 1; call <= warm + measured; call++) {
                long start = System.nanoTime();
                double cpu = BenchResult.processCpuSeconds();
                long gc = gcMillis();
                long jit = compiler.getTotalCompilationTime();
                service.transfer(EventParser.transferEvent(event));
                System.out.printf(
                        "call %d%s: %.2f s, %.2f CPU s, GC %d ms, compiler threads %d ms%n",
                        call,
                        call > warm ? " (measured)" : "",
                        (System.nanoTime() - start) / 1e9,
                        BenchResult.processCpuSeconds() - cpu,
                        gcMillis() - gc,
                        compiler.getTotalCompilationTime() - jit);
            }
            System.out.println(DONE);
        }

        private static long gcMillis() {
            long t = 0;
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                t += b.getCollectionTime();
            }
            return t;
        }
    }
}
