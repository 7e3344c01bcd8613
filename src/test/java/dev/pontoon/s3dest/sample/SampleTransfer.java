package dev.pontoon.s3dest.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.handler.Json;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.testing.Parquet;
import dev.pontoon.s3dest.testing.StandaloneLogging;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The README's first command: a transfer end to end with no AWS account. An S3-compatible server (s3proxy) runs on
 * 127.0.0.1 and keeps its objects as plain files; the sample event {@code events/transfer-inline.json} goes through
 * the transfer handler; the keys and the rows, read back with DuckDB, are printed.
 */
public final class SampleTransfer {
    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        Path folder = Path.of(args.length > 0 ? args[0] : "target/sample-s3").toAbsolutePath();
        Path eventFile = Path.of(args.length > 1 ? args[1] : "events/transfer-inline.json");
        Files.createDirectories(folder);

        S3TestServer server = S3TestServer.onFolder(folder);
        try {
            ObjectNode event = (ObjectNode) Json.read(Files.readString(eventFile));
            ObjectNode destination = (ObjectNode) event.get("destination");
            String bucket = destination.get("s3_bucket").asText().replaceFirst("^s3://", "");
            destination.put("endpoint_url", server.endpoint().toString());
            destination.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
            destination.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
            if (!Files.isDirectory(folder.resolve(bucket))) {
                server.createBucket(bucket);
            }
            System.out.println("S3-compatible server on " + server.endpoint() + ", objects kept under " + folder);
            System.out.println("Event: " + eventFile);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransferHandler.standalone().handleRequest(
                    new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            JsonNode result = Json.read(out.toString(StandardCharsets.UTF_8));
            System.out.println();
            System.out.println("Result: " + Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));

            for (JsonNode file : result.get("files")) {
                Path local = folder.resolve(bucket).resolve(file.get("key").asText());
                System.out.println();
                System.out.println("s3://" + bucket + "/" + file.get("key").asText());
                System.out.println("  local file: " + local + " (" + Files.size(local) + " bytes, " + file.get("rows") + " rows)");
                List<Map<String, Object>> rows = Parquet.query("SET TimeZone='UTC'; SELECT * FROM read_parquet('" + local + "') LIMIT 5");
                for (Map<String, Object> row : rows) {
                    System.out.println("  " + row);
                }
            }
            System.out.println();
            System.out.println("Query it yourself: duckdb -c \"SELECT * FROM read_parquet('" + folder.resolve(bucket)
                    + "/**/*.parquet', hive_partitioning = true)\"");
        } finally {
            server.close();
        }
    }
}
