package dev.pontoon.s3dest.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Cold start as the managed Java runtime does it (docs/OPERATIONS.md "Operating it"): {@code target/function.zip} unpacked as
 * /var/task would be, the AWS Lambda Runtime Interface Client (from Maven Central) in a fresh JVM calling
 * {@code QuarkusStreamHandler::handleRequest}, against a small local Runtime API on 127.0.0.1 that hands it one
 * 10,000-row inline transfer (to s3proxy). Measures, per JVM option set, launch → the first poll for an event (init),
 * that event → its response posted (the first invocation) and the sum. The primed variant rehearses at init what
 * SnapStart rehearses before its snapshot, so its invocation figure is what a restored function starts from (the
 * restore itself cannot be measured without Lambda).
 * Where a JDK 25 is found ({@code -Dcoldstart.java25}, default Temurin 25's home), it then measures both functions
 * (connection test and transfer) on java17 and java25 as the managed runtimes start them, and the custom-runtime
 * variant: one jar and a JDK AOT cache recorded by a real call or by the in-memory rehearsal
 * ({@code S3DEST_PRIME=train}), median of {@code -Dcoldstart.runs25} (default 5) runs.
 * Run {@code ./mvnw package -DskipTests} first. Args: rows (default 10000), runs per variant (default 3), rows of
 * a second, staged JSONL first call (default 0: none).
 */
public final class ColdStartBenchmark {
    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int stagedRows = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Path zip = Path.of("target/function.zip");
        if (!Files.exists(zip)) {
            throw new IllegalStateException("build it first: ./mvnw package -DskipTests");
        }
        Path task = Path.of("target/coldstart/task").toAbsolutePath();
        unzip(zip, task);
        String ric = runtimeClient();
        String classpath = taskClasspath(task);

        S3TestServer s3 = S3TestServer.shared();
        s3.createBucket("coldstart");
        ObjectNode event = Events.idPayload(Events.destination(s3, "coldstart", "cold"), rows);
        byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
        System.out.printf("function.zip: %,d bytes; event: %,d rows, %,d bytes%n", Files.size(zip), rows, body.length);
        table(classpath, runs, body, "inline " + rows + "-row transfer");

        if (stagedRows > 0) {
            // The other common first call: a staged JSONL file of the benchmark table (docs/BENCHMARKS.md).
            Path jsonl = Path.of("target/bench").toAbsolutePath().resolve("coldstart-" + stagedRows + ".jsonl.gz");
            Files.createDirectories(jsonl.getParent());
            if (!Files.exists(jsonl)) {
                ExportTable.writeJsonl(jsonl, Long.MAX_VALUE, stagedRows, true);
            }
            try (var client = s3.client()) {
                client.putObject(r -> r.bucket("coldstart").key("staged/export.jsonl.gz"), jsonl);
            }
            ObjectNode staged = Events.transfer(
                    Events.destination(s3, "coldstart", "cold-staged"),
                    "export",
                    "2025-09-25T13:22:33.123Z",
                    "staged",
                    ExportTable.COLUMNS);
            staged.remove("rows");
            staged.putObject("source")
                    .put("format", "jsonl")
                    .putArray("uris")
                    .add("s3://coldstart/staged/export.jsonl.gz");
            table(
                    classpath,
                    runs,
                    staged.toString().getBytes(StandardCharsets.UTF_8),
                    "staged JSONL.gz of " + stagedRows + " rows (" + Files.size(jsonl) + " bytes)");
        }
        if (Files.isExecutable(JAVA25)) {
            java25Tables(task, ric, s3, body, rows);
        } else {
            System.out.println(
                    "\n(no JDK 25 at " + JAVA25 + ": the java25 and AOT-cache configurations are not measured)");
        }
        s3.close();
        System.exit(0);
    }

    /** The Runtime Interface Client's jars on this JVM's class path: what a managed runtime puts beside the task. */
    static String runtimeClient() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("aws-lambda-java-runtime-interface-client")
                        || e.contains("aws-lambda-java-serialization"))
                .reduce((a, b) -> a + File.pathSeparator + b)
                .orElseThrow();
    }

    /** As the managed runtime: the task folder itself (the runner's classes), every jar in lib/, the client. */
    static String taskClasspath(Path task) {
        return task + File.pathSeparator + task.resolve("lib") + File.separator + "*" + File.pathSeparator
                + runtimeClient();
    }

    /** Temurin 25, as installed on the build machines (docs/OPERATIONS.md "Operating it", cold start). */
    static final Path JAVA25 = Path.of(System.getProperty("coldstart.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"))
            .resolve("bin/java");

    /**
     * Both functions' first call on the java25 runtime, as the managed runtime runs them (the task folder on the
     * class path) and as the custom-runtime variant does (the root's classes as one jar, an AOT cache recorded from
     * one training call: JEP 483/514/515), beside the java17 default the template used before.
     */
    private static void java25Tables(Path task, String ric, S3TestServer s3, byte[] transferEvent, int rows)
            throws Exception {
        Path aot = Path.of("target/coldstart/aot").toAbsolutePath();
        Files.createDirectories(aot);
        Path appJar = aot.resolve("app.jar");
        jarRoot(task, appJar);
        List<String> entries = new ArrayList<>();
        entries.add(appJar.toString());
        try (var libs = Files.list(task.resolve("lib"))) {
            libs.map(Path::toString).sorted().forEach(entries::add);
        }
        entries.addAll(List.of(ric.split(File.pathSeparator)));
        String jarClasspath = String.join(File.pathSeparator, entries);
        String dirClasspath =
                task + File.pathSeparator + task.resolve("lib") + File.separator + "*" + File.pathSeparator + ric;
        String java17 = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String java25 = JAVA25.toString();

        ObjectNode probe = Json.MAPPER.createObjectNode();
        probe.set("destination", Events.destination(s3, "coldstart", "probe"));
        byte[] probeEvent = probe.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> functions = new LinkedHashMap<>();
        functions.put("connection-test", probeEvent);
        functions.put("transfer", transferEvent);

        System.out.println();
        System.out.printf(
                "Both functions, first call (connection test: a probe of the local S3 server; transfer: %,d "
                        + "inline rows); app.jar %,d bytes%n%n",
                rows, Files.size(appJar));
        System.out.println(
                "| function | configuration | launch → ready | event → response | launch → response | peak RSS |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (Map.Entry<String, byte[]> function : functions.entrySet()) {
            String handler = function.getKey();
            byte[] event = function.getValue();
            List<Variant> variants = new ArrayList<>(List.of(
                    new Variant(
                            "java17 managed, C1 (the template before)",
                            "-XX:TieredStopAtLevel=1",
                            Map.of(),
                            java17,
                            dirClasspath),
                    new Variant("java25 managed, C1", "-XX:TieredStopAtLevel=1", Map.of(), java25, dirClasspath),
                    new Variant("java25 managed, default tiered", "", Map.of(), java25, dirClasspath)));
            String c1 = "-XX:TieredStopAtLevel=1";
            // Trained by one real call (what a first invocation loads), as the prototype did.
            Path byCall = aot.resolve(handler + "-call.aot");
            Files.deleteIfExists(byCall);
            once(java25, jarClasspath, options(c1 + " -XX:AOTCacheOutput=" + byCall), Map.of(), event, handler, true);
            variants.add(new Variant(
                    "java25 custom runtime: app.jar + AOT cache trained by a call (" + Files.size(byCall) / (1 << 20)
                            + " MiB), C1",
                    c1 + " -XX:AOTCache=" + byCall,
                    Map.of(),
                    java25,
                    jarClasspath));
            // Trained by the in-memory rehearsal (S3DEST_PRIME=train): no network and no event, so an image build
            // can record it where the function will run (aot/Dockerfile).
            Path byRehearsal = aot.resolve(handler + "-rehearsal.aot");
            train(java25, jarClasspath, c1, byRehearsal, handler);
            variants.add(new Variant(
                    "java25 custom runtime: app.jar + AOT cache trained by the rehearsal ("
                            + Files.size(byRehearsal) / (1 << 20) + " MiB), C1",
                    c1 + " -XX:AOTCache=" + byRehearsal,
                    Map.of(),
                    java25,
                    jarClasspath));
            for (Variant variant : variants) {
                List<long[]> results = new ArrayList<>();
                for (int run = 0; run < RUNS_25; run++) {
                    results.add(once(
                            variant.java(),
                            variant.classpath(),
                            options(variant.options()),
                            variant.env(),
                            event,
                            handler,
                            false));
                }
                results.sort(java.util.Comparator.comparingLong(r -> r[2]));
                long[] median = results.get(results.size() / 2);
                System.out.printf(
                        "| %s | %s | %,d ms | %,d ms | %,d ms | %,d MiB |%n",
                        handler, variant.label(), median[0], median[1], median[2], median[3] / 1024);
            }
        }
        System.out.println("\n(median of " + RUNS_25 + " runs by launch → response)");
    }

    private static final int RUNS_25 = Integer.getInteger("coldstart.runs25", 5);

    /**
     * Records an AOT cache the way an image build can: Quarkus's own main with {@code S3DEST_PRIME=train} rehearses
     * the function in memory and exits; the class path is the one the function runs with.
     */
    static void train(String java, String classpath, String options, Path cache, String handler) throws Exception {
        Files.deleteIfExists(cache);
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(options(options)));
        cmd.addAll(List.of(
                "-XX:AOTCacheOutput=" + cache, "-Xmx400m", "-cp", classpath, "io.quarkus.runner.GeneratedMain"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target/coldstart/train.log").toFile());
        pb.environment().put("S3DEST_PRIME", "train");
        pb.environment().put("QUARKUS_LAMBDA_HANDLER", handler);
        pb.environment().put("AWS_REGION", "us-east-1");
        Process process = pb.start();
        if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.exists(cache)) {
            process.destroyForcibly();
            throw new IllegalStateException("the training run failed; see target/coldstart/train.log");
        }
    }

    /** The task folder's own classes (not lib/) as one jar: an AOT cache refuses a class-path directory. */
    private static void jarRoot(Path task, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                var walk = Files.walk(task)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = task.relativize(file).toString().replace(File.separatorChar, '/');
                if (name.startsWith("lib/") || name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(name));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** One table: each variant's median of {@code runs} cold starts on the same event. */
    private static void table(String classpath, int runs, byte[] body, String what) throws Exception {

        // the transfer function's S3DEST_JVM_OPTIONS
        String template = String.join(
                " ",
                DeployedSide.TEMPLATE_OPTIONS.stream()
                        .filter(o -> o.startsWith("-XX:"))
                        .toList());
        // AppCDS is not among the variants: the JVM refuses an archive for a class path holding a non-empty
        // directory, and the task folder (/var/task) is one ("Cannot have non-empty directory in paths").
        List<Variant> variants = List.of(
                new Variant("default JVM options", "", Map.of()),
                new Variant(
                        "-XX:TieredStopAtLevel=1 (the java17 runtime's default)", "-XX:TieredStopAtLevel=1", Map.of()),
                new Variant(
                        "-XX:TieredStopAtLevel=1 + S3DEST_PRIME=init",
                        "-XX:TieredStopAtLevel=1",
                        Map.of("S3DEST_PRIME", "init")),
                new Variant("template: " + template, template, Map.of()),
                new Variant(
                        "template + S3DEST_PRIME=init (the rehearsal SnapStart runs before its snapshot)",
                        template,
                        Map.of("S3DEST_PRIME", "init")));
        System.out.println();
        System.out.println("First call: " + what);
        System.out.println();
        System.out.println("| JVM options | launch → ready for events | event → response | launch → response |");
        System.out.println("| --- | --- | --- | --- |");
        for (Variant variant : variants) {
            List<long[]> results = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                results.add(once(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        classpath,
                        options(variant.options()),
                        variant.env(),
                        body,
                        "transfer",
                        false));
            }
            results.sort(java.util.Comparator.comparingLong(r -> r[2]));
            long[] median = results.get(results.size() / 2);
            System.out.printf("| %s | %,d ms | %,d ms | %,d ms |%n", variant.label(), median[0], median[1], median[2]);
        }
        System.out.println("\n(median of " + runs + " runs by launch → response; its own init and invoke split)");
    }

    /** A configuration measured: JVM options, environment, and which java and class path. */
    private record Variant(String label, String options, Map<String, String> env, String java, String classpath) {
        Variant(String label, String options, Map<String, String> env) {
            this(label, options, env, null, null);
        }
    }

    private static String[] options(String options) {
        return options.isBlank() ? new String[0] : options.trim().split(" +");
    }

    /**
     * One cold start: a new JVM, one invocation through {@link RuntimeApi}; the time from launch to the posted
     * response.
     *
     * @param training wait for the process to exit after the call (SIGTERM), so an AOT cache it records is written
     * @return launch → first poll, that event → its response, launch → response (ms), peak RSS (KiB)
     */
    static long[] once(
            String javaBin,
            String classpath,
            String[] jvmOptions,
            Map<String, String> env,
            byte[] event,
            String handler,
            boolean training)
            throws Exception {
        RuntimeApi api = new RuntimeApi(List.of(event), i -> {}, i -> {});
        List<String> options = new ArrayList<>(List.of(jvmOptions));
        options.add("-Xmx400m");
        ProcessBuilder pb =
                api.function(javaBin, options, classpath, handler, Path.of("target/coldstart/function.log"));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process process = pb.start();
        try {
            String result = api.response(0).get(120, TimeUnit.SECONDS);
            long end = api.answered(0);
            if (!result.contains("\"status\":\"ok\"")
                    && !result.contains("\"success\":true")
                    && !result.contains("\"status\":\"committed\"")) {
                throw new IllegalStateException("unexpected response: " + result);
            }
            long rssKib = peakRss(process.pid());
            if (training) {
                process.destroy(); // a normal exit: the JVM writes the AOT cache it recorded
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the training run did not exit");
                }
            }
            return new long[] {
                (api.firstPoll() - start) / 1_000_000,
                (end - api.firstPoll()) / 1_000_000,
                (end - start) / 1_000_000,
                rssKib
            };
        } finally {
            process.destroyForcibly().waitFor();
            api.close();
        }
    }

    /** The process's peak resident set (VmHWM), in KiB; 0 where /proc is not there. */
    static long peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return 0;
    }

    static void unzip(Path zip, Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target); // reads this entry only; the zip stream stays open
                    in.closeEntry();
                }
            }
        }
    }
}
