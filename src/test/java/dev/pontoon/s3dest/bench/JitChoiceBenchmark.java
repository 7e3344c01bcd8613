package dev.pontoon.s3dest.bench;

import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Which tiered-compilation setting the transfer function should run with (issue #17), measured where it matters:
 * over HTTP, where the SDK signs every payload (SHA-256) as it does for a plain-HTTP endpoint, and over HTTPS, as
 * with S3 itself, where it does not but TLS (AES-GCM) costs instead. The staged export table goes through a
 * transfer child twice (a cold container's first call, then a warm one's) with full tiered compilation (C2) and
 * with C1 only ({@code -XX:TieredStopAtLevel=1}, the java17 managed runtime's default), on both protocols.
 *
 * <pre>
 * ./mvnw -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath dev.pontoon.s3dest.bench.JitChoiceBenchmark 1000000 snappy"
 * </pre>
 */
public final class JitChoiceBenchmark {
    private static final String PASSWORD = "s3dest-bench";

    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        String codec = args.length > 1 ? args[1] : "snappy";
        Path work = Path.of("target/bench").toAbsolutePath();
        Files.createDirectories(work);
        Path keyStore = work.resolve("s3proxy-tls.p12");
        if (!Files.exists(keyStore)) {
            run(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "s3proxy",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "30",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "SAN=IP:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    PASSWORD));
        }
        Path input = work.resolve("export-" + rows + ".jsonl");
        if (!Files.exists(input)) {
            ExportTable.writeJsonl(input, Long.MAX_VALUE, rows, false);
        }
        List<String> table = new ArrayList<>();
        for (boolean https : new boolean[] {false, true}) {
            Path store = work.resolve(https ? "s3-jit-https" : "s3-jit-http");
            Files.createDirectories(store);
            List<String> serverArgs = new ArrayList<>(List.of(store.toString()));
            if (https) {
                serverArgs.addAll(List.of(keyStore.toString(), PASSWORD));
            }
            Process server = ThroughputBenchmark.java(
                    List.of("-Xmx1g"), "dev.pontoon.s3dest.testing.S3ServerMain", serverArgs.toArray(String[]::new));
            try {
                String endpoint =
                        ThroughputBenchmark.awaitLine(server, "ENDPOINT ").substring("ENDPOINT ".length());
                System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
                System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
                try (S3Client s3 = S3TestServer.clientFor(java.net.URI.create(endpoint))) {
                    if (!Files.isDirectory(store.resolve("staging"))) {
                        s3.createBucket(r -> r.bucket("staging"));
                        s3.createBucket(r -> r.bucket("exports"));
                    }
                    s3.putObject(
                            r -> r.bucket("staging").key(input.getFileName().toString()), input);
                }
                for (String jit : new String[] {"-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4"}) {
                    Process child = ThroughputBenchmark.java(
                            List.of(
                                    "-Xmx512m",
                                    "-XX:+UseSerialGC",
                                    jit,
                                    "-Djavax.net.ssl.trustStore=" + keyStore,
                                    "-Djavax.net.ssl.trustStorePassword=" + PASSWORD),
                            "dev.pontoon.s3dest.bench.TransferSide",
                            endpoint,
                            "s3://staging/" + input.getFileName(),
                            codec,
                            "2");
                    BenchResult r = BenchResult.parse(ThroughputBenchmark.awaitLine(child, BenchResult.PREFIX));
                    child.waitFor();
                    if (r.rows() != rows) {
                        throw new IllegalStateException("the transfer child failed (" + jit + ")");
                    }
                    String label = (https ? "HTTPS" : "HTTP") + ", "
                            + (jit.endsWith("=1") ? "C1 only (TieredStopAtLevel=1)" : "C1 + C2 (TieredStopAtLevel=4)");
                    table.add(String.format(
                            "| %s | %,.0f | %.2f | %,.0f | %.2f |",
                            label,
                            rows / r.coldSeconds(),
                            r.coldCpuSeconds() / (rows / 1e6),
                            rows / r.seconds(),
                            r.cpuSeconds() / (rows / 1e6)));
                    System.out.println(table.get(table.size() - 1));
                }
            } finally {
                server.getOutputStream().close();
                server.waitFor();
            }
        }
        System.out.println();
        System.out.printf(
                "%,d rows, %s, transfer of one staged JSONL object to s3proxy in another process%n", rows, codec);
        System.out.println(
                "| protocol, JIT | cold rows/s | cold CPU s per 1M rows | warm rows/s | warm CPU s per 1M rows |");
        System.out.println("| --- | --- | --- | --- | --- |");
        table.forEach(System.out::println);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }
}
