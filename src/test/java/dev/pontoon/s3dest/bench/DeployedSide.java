package dev.pontoon.s3dest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pontoon.s3dest.event.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transfer function as Lambda runs it (issue #26): function.zip's task folder under the Runtime Interface
 * Client on Java 25, the template's JVM options, {@value #MEMORY_MB} MB seen as the machine's memory, the same event
 * several times in one process (the last call is a warm container's). For each call: its wall time, the function
 * process's CPU time (read from /proc at the moment the event leaves the Runtime API and the answer arrives), the part
 * of it spent by the JIT compiler threads, and the S3 server's CPU (another process) over the same interval.
 */
final class DeployedSide {
    /** The template's transfer memory. */
    static final int MEMORY_MB = 1769;
    /** The template's {@code S3DEST_JVM_OPTIONS} and {@code JAVA_TOOL_OPTIONS} for the transfer function. */
    static final List<String> TEMPLATE_OPTIONS = templateOptions();

    /** Read from template.yaml (the transfer function's are the first of each), so the benchmark runs what it deploys. */
    static List<String> templateOptions() {
        try {
            String template = Files.readString(Path.of("template.yaml"));
            List<String> options = new ArrayList<>();
            for (String variable : List.of("S3DEST_JVM_OPTIONS", "JAVA_TOOL_OPTIONS")) {
                var m = java.util.regex.Pattern.compile("(?m)^\\s+" + variable + ": (.+)$")
                        .matcher(template);
                if (!m.find()) {
                    throw new IllegalStateException("template.yaml sets no " + variable);
                }
                options.addAll(List.of(m.group(1).trim().split("\\s+")));
            }
            return List.copyOf(options);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Call(long rows, double seconds, double cpuSeconds, double jitSeconds, double s3ServerSeconds) {}

    record Result(List<Call> calls, long peakRssBytes) {}

    private DeployedSide() {}

    /** The task folder, unpacked once from target/function.zip. */
    static String taskClasspath() throws IOException {
        Path zip = Path.of("target/function.zip");
        if (!Files.exists(zip)) {
            throw new IllegalStateException("build it first: ./mvnw package -DskipTests");
        }
        Path task = Path.of("target/bench/task").toAbsolutePath();
        ColdStartBenchmark.unzip(zip, task);
        return ColdStartBenchmark.taskClasspath(task);
    }

    /** @param prime {@code S3DEST_PRIME}: {@code init} rehearses before the first poll, as SnapStart's snapshot holds */
    static Result run(String classpath, byte[] event, int calls, long s3ServerPid, String prime) throws Exception {
        AtomicLong pid = new AtomicLong();
        long[][] at = new long[calls][6]; // process, JIT and server ticks at hand-out, then at answer
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            events.add(event);
        }
        try (RuntimeApi api = new RuntimeApi(
                events, i -> sample(pid.get(), s3ServerPid, at[i], 0), i -> sample(pid.get(), s3ServerPid, at[i], 3))) {
            List<String> options = new ArrayList<>(List.of("-XX:MaxRAM=" + MEMORY_MB + "m"));
            options.addAll(TEMPLATE_OPTIONS);
            ProcessBuilder pb = api.function(
                    ColdStartBenchmark.JAVA25.toString(),
                    options,
                    classpath,
                    "transfer",
                    Path.of("target/bench/deployed-function.log"));
            pb.environment().put("S3DEST_ALLOWED_ENDPOINTS", "http://127.0.0.1:*"); // the loopback S3 server
            pb.environment().put("S3DEST_PRIME", prime);
            Process process = pb.start();
            pid.set(process.pid());
            try {
                List<Call> out = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    String response = api.response(i).get(30, TimeUnit.MINUTES);
                    JsonNode result = Json.read(response);
                    if (!"ok".equals(result.path("status").asText())) {
                        throw new IllegalStateException("unexpected response: " + response);
                    }
                    long[] t = at[i];
                    out.add(new Call(
                            result.path("rows").asLong(),
                            (api.answered(i) - api.handedOut(i)) / 1e9,
                            (t[3] - t[0]) / 100.0,
                            (t[4] - t[1]) / 100.0,
                            (t[5] - t[2]) / 100.0));
                }
                return new Result(out, ColdStartBenchmark.peakRss(process.pid()) * 1024);
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Writes the function's CPU ticks, its compiler threads' and the S3 server's into {@code into[from..from+2]}. */
    private static void sample(long pid, long server, long[] into, int from) {
        into[from] = ticks(Path.of("/proc", String.valueOf(pid), "stat"));
        long jit = 0;
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks != null) {
            for (File task : tasks) {
                try {
                    String name = Files.readString(task.toPath().resolve("comm"), StandardCharsets.UTF_8);
                    if (name.contains("Compiler")) {
                        jit += ticks(task.toPath().resolve("stat"));
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        into[from + 1] = jit;
        into[from + 2] = server > 0 ? ticks(Path.of("/proc", String.valueOf(server), "stat")) : 0;
    }

    private static long ticks(Path stat) {
        try {
            return BenchResult.cpuTicks(Files.readString(stat));
        } catch (IOException e) {
            return 0;
        }
    }
}
