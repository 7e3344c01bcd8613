package dev.pontoon.s3dest.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.testing.IcebergFixture;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What a catalog costs the commit function's cold start: the first commit of a batch in a fresh JVM started as the
 * managed runtime starts it (function.zip, the template's JVM options), with no catalog, with an {@code iceberg-rest}
 * catalog (Iceberg's REST servlet in this process) and with a {@code delta} table (its log on the local S3 server).
 * The chunks run in this process first.
 *
 * <pre>
 * ./mvnw -q package -DskipTests &amp;&amp; ./mvnw -q test-compile exec:exec -Dexec.executable=java \
 *   -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.pontoon.s3dest.bench.CatalogColdStart 3"
 * </pre>
 */
public final class CatalogColdStart {
    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace(); // the local S3 server's threads would keep the JVM alive
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        StandaloneLogging.configure();
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path zip = Path.of("target/function.zip");
        if (!Files.exists(zip)) {
            throw new IllegalStateException("build it first: ./mvnw package -DskipTests");
        }
        Path task = Path.of("target/coldstart/task").toAbsolutePath();
        ColdStartBenchmark.unzip(zip, task);
        String classpath = ColdStartBenchmark.taskClasspath(task);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] options = {"-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"}; // the template's commit function
        System.out.printf("function.zip: %,d bytes%n%n", Files.size(zip));
        System.out.println("| commit of a 200-row batch, first call | launch → ready | event → response | launch → "
                + "response | peak RSS |");
        System.out.println("| --- | --- | --- | --- | --- |");
        try (IcebergFixture ice = new IcebergFixture()) {
            for (String catalog : new String[] {"none", "iceberg-rest", "delta"}) {
                List<long[]> results = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    String batch = catalog.replace("-", "") + run;
                    StringBuilder rows = new StringBuilder();
                    for (int i = 0; i < 200; i++) {
                        rows.append("{\"id\": ")
                                .append(i)
                                .append(", \"note\": \"row ")
                                .append(i)
                                .append("\"}\n");
                    }
                    ObjectNode input = ice.input(batch, "2025-09-25T13:22:33.123Z", rows.toString());
                    IcebergFixture.columns(input).removeAll();
                    IcebergFixture.columns(input)
                            .addObject()
                            .put("name", "id")
                            .put("type", "bigint")
                            .put("nullable", false);
                    IcebergFixture.columns(input)
                            .addObject()
                            .put("name", "note")
                            .put("type", "string");
                    ObjectNode destination = (ObjectNode) input.get("transfer").get("destination");
                    if (catalog.equals("none")) {
                        destination.remove("catalog");
                    } else if (catalog.equals("delta")) {
                        destination.putObject("catalog").put("type", "delta");
                    }
                    ice.runChunks(input);
                    results.add(ColdStartBenchmark.once(
                            java,
                            classpath,
                            options,
                            // the local S3 server and catalog are plain http on loopback: the operator's allow-list
                            Map.of("S3DEST_ALLOWED_ENDPOINTS", dev.pontoon.s3dest.testing.Loopback.ALLOWED),
                            input.toString().getBytes(StandardCharsets.UTF_8),
                            "commit",
                            false));
                }
                results.sort(Comparator.comparingLong(r -> r[2]));
                long[] m = results.get(results.size() / 2);
                System.out.printf(
                        "| %s | %,d ms | %,d ms | %,d ms | %,d MiB |%n",
                        switch (catalog) {
                            case "none" -> "no catalog";
                            case "iceberg-rest" -> "`iceberg-rest` catalog (the first run creates the table)";
                            default -> "`delta` table (the first run creates the table)";
                        },
                        m[0],
                        m[1],
                        m[2],
                        m[3] / 1024);
            }
        }
        System.out.println("\n(median of " + runs + " runs by launch → response)");
    }
}
