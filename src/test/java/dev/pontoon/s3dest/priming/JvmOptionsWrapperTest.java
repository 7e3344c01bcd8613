package dev.pontoon.s3dest.priming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transfer's JIT and GC choice must win over the managed runtime's own command line. A JVM keeps the last value
 * of an option and reads JAVA_TOOL_OPTIONS before its command line, so JAVA_TOOL_OPTIONS alone loses to a runtime
 * default such as {@code -XX:TieredStopAtLevel=1}; the exec wrapper in function.zip ({@code src/main/zip.jvm})
 * places {@code S3DEST_JVM_OPTIONS} after the runtime's options. Both shown here with a real JVM.
 */
class JvmOptionsWrapperTest {
    private static final Path WRAPPER = Path.of("src/main/zip.jvm/jvm-options.sh");
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /** The runtime's command line, as the managed runtime starts the JVM (its C1-only default included). */
    private static List<String> runtimeCommand(String... prefix) {
        List<String> c = new ArrayList<>(List.of(prefix));
        c.addAll(List.of(
                JAVA,
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseParallelGC",
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                JvmFlags.class.getName()));
        return c;
    }

    @Test
    void javaToolOptionsAloneLoseToTheRuntimesCommandLine() throws Exception {
        String out = run(
                Map.of("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=4"),
                runtimeCommand().toArray(String[]::new));
        assertThat(out).contains("TieredStopAtLevel=1 (command line)");
    }

    @Test
    void theWrapperPutsTheTemplatesOptionsLastSoTheyWin() throws Exception {
        String out = run(
                Map.of("S3DEST_JVM_OPTIONS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=4"),
                runtimeCommand("bash", WRAPPER.toString()).toArray(String[]::new));
        assertThat(out).contains("TieredStopAtLevel=4 (command line)", "UseSerialGC=true (command line)");
        // The runtime's collector is dropped when the options choose one: two would stop the JVM.
        assertThat(out).doesNotContain("PS Scavenge");
    }

    @Test
    void theWrapperInsertsBeforeTheMainClassAndLeavesTheArgumentsAlone() throws Exception {
        String out = run(
                Map.of("S3DEST_JVM_OPTIONS", "-XX:A -XX:B"),
                "bash",
                WRAPPER.toString(),
                "echo",
                "-Xshare:auto",
                "-XX:+UseG1GC",
                "-cp",
                "a:b",
                "--add-opens",
                "x=y",
                "Main",
                "handler::method",
                "-XX:notAnOption");
        assertThat(out.trim())
                .isEqualTo("-Xshare:auto -XX:+UseG1GC -cp a:b --add-opens x=y -XX:A -XX:B Main handler::method"
                        + " -XX:notAnOption");
        String gc = run(
                Map.of("S3DEST_JVM_OPTIONS", "-XX:+UseSerialGC"),
                "bash",
                WRAPPER.toString(),
                "echo",
                "-XX:+UseG1GC",
                "-cp",
                "a",
                "Main");
        assertThat(gc.trim()).isEqualTo("-cp a -XX:+UseSerialGC Main");
        String unset = run(Map.of(), "bash", WRAPPER.toString(), "echo", "-cp", "a", "Main");
        assertThat(unset.trim()).isEqualTo("-cp a Main");
    }
}
