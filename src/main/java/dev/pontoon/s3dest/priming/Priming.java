package dev.pontoon.s3dest.priming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.handler.ConnectionTestHandler;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.transfer.TransferConfig;
import dev.pontoon.s3dest.transfer.TransferService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Priming for SnapStart: before the snapshot is taken, the function rehearses its own work in memory — the
 * handler reads events, the transfer decodes inline rows and staged JSONL and CSV, writes Parquet with each codec
 * through multipart and single uploads, writes the manifest and the result; the connection test runs its checks —
 * so the snapshot holds the S3 SDK, Jackson, parquet-java and this code loaded, initialised and compiled, and the
 * first invocation after a restore does not pay for them. The S3 client sends through {@link RehearsalHttpClient}:
 * nothing leaves the process, no credential is real, no log line or metric claims a transfer.
 *
 * <p>{@code s3dest.prime}: {@code snapshot} (default) rehearses in the CRaC {@code beforeCheckpoint} hook, which
 * only SnapStart calls, so a function without SnapStart pays nothing; {@code init} rehearses at startup (the
 * init phase, before the first event); {@code off} never. A failed rehearsal is logged and never fails the start.
 */
@ApplicationScoped
public class Priming implements Resource {
    private static final Logger LOG = Logger.getLogger(Priming.class);

    /** What a rehearsal did. */
    public record Report(long millis, long requests, long rows) {}

    @Inject
    TransferService transfers;

    @Inject
    S3ClientFactory clients;

    @Inject
    TransferConfig config;

    @ConfigProperty(name = "quarkus.lambda.handler", defaultValue = "transfer")
    String handler;

    void onStart(@Observes StartupEvent event) {
        switch (config.prime()) {
            case SNAPSHOT -> Core.getGlobalContext().register(this); // this bean lives as long as the application
            case INIT -> rehearseAndLog("at init");
            case OFF -> {}
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        rehearseAndLog("before the snapshot");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to renew: the rehearsal opened no connection and left no state behind
    }

    private void rehearseAndLog(String when) {
        try {
            Report r = rehearse(transfers, clients, handler);
            LOG.infof(
                    "primed %s: rehearsed the %s function in memory in %d ms (%d rows, %d S3 calls answered in "
                            + "memory, nothing sent)",
                    when, handler, r.millis(), r.rows(), r.requests());
        } catch (Exception | LinkageError e) {
            LOG.warnf(e, "priming %s failed; the function works, its first call is only slower", when);
        }
    }

    /** Rehearses the named function's work ({@code transfer} or {@code connection-test}) in memory. */
    public static Report rehearse(TransferService transfers, S3ClientFactory clients, String handler)
            throws IOException {
        long started = System.nanoTime();
        RehearsalHttpClient http = new RehearsalHttpClient();
        S3ClientFactory rehearsal = clients.sendingThrough(http);
        ObjectNode destination = destination();
        // The function's own HTTP client is built (not used): its classes and connection pool setup load now too.
        clients.create(EventParser.destination(destination)).close();
        long rows = 0;
        if ("connection-test".equals(handler)) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.set("destination", destination);
            run(ConnectionTestHandler.over(new ConnectionTester(rehearsal))::handleRequest, event);
        } else {
            TransferHandler transfer = TransferHandler.over(
                    transfers.rehearsal(rehearsal, new WriterSettings(64 * 1024, 0, 16 * 1024, 4 * 1024), 16 * 1024));
            rows += run(transfer::handleRequest, inline(destination, "zstd", 3000));
            http.stage("rehearsal-staging", "rows.jsonl.gz", gzip(jsonl(STAGED_ROWS)));
            rows += run(
                    transfer::handleRequest,
                    staged(destination, "snappy", "jsonl", "s3://rehearsal-staging/rows.jsonl.gz"));
            http.stage("rehearsal-staging", "rows.csv.gz", gzip(csv(1000)));
            rows += run(
                    transfer::handleRequest, staged(destination, "gzip", "csv", "s3://rehearsal-staging/rows.csv.gz"));
            ObjectNode sqs = Json.MAPPER.createObjectNode();
            ObjectNode record = sqs.putArray("Records").addObject();
            record.put("messageId", "rehearsal");
            record.put("eventSource", "aws:sqs");
            record.put("body", inline(destination, "uncompressed", 100).toString());
            run(transfer::handleRequest, sqs);
            rows += 100;
        }
        return new Report((System.nanoTime() - started) / 1_000_000, http.requests(), rows);
    }

    private interface StreamHandler {
        void handle(java.io.InputStream in, java.io.OutputStream out, com.amazonaws.services.lambda.runtime.Context c)
                throws IOException;
    }

    /** Runs one event through a handler; the rows it reports, and an exception if it did not succeed. */
    private static long run(StreamHandler handler, JsonNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handle(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
        JsonNode result = Json.MAPPER.readTree(out.toByteArray());
        boolean ok = result.path("status").asText().equals("ok")
                || result.path("success").asBoolean(false)
                || (result.has("batchItemFailures")
                        && result.get("batchItemFailures").isEmpty());
        if (!ok) {
            throw new IllegalStateException("the rehearsal did not succeed: " + result);
        }
        return result.path("rows").asLong();
    }

    private static ObjectNode destination() {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("s3_bucket", "rehearsal");
        d.put("s3_prefix", "priming");
        d.put("s3_region", "us-east-1");
        d.put("endpoint_url", "https://s3.rehearsal.invalid");
        d.put("path_style", true);
        d.put("aws_access_key_id", "AKIAREHEARSAL0000000");
        d.put("aws_secret_access_key", "rehearsal-only-not-a-credential");
        return d;
    }

    /**
     * Rows of the staged JSONL rehearsal, the path of large transfers: more than the others, so its per-row and
     * per-value methods are called past the JIT's compile thresholds (thousands of calls) before the snapshot.
     */
    static final int STAGED_ROWS = 20_000;

    private static final String[] COLUMNS = {
        "id:bigint:false",
        "n:int",
        "email:string",
        "amount:decimal(12,2)",
        "big:decimal(30,4)",
        "score:double",
        "ratio:float",
        "active:boolean",
        "day:date",
        "at:timestamptz",
        "local:timestamp_ntz",
        "attributes:json"
    };

    private static ObjectNode transfer(ObjectNode destination, String compression) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("transfer_id", "rehearsal");
        e.put("batch_id", "rehearsal");
        e.put("transfer_started_at", "2025-01-01T00:00:00Z");
        ObjectNode d = destination.deepCopy();
        d.put("compression", compression);
        e.set("destination", d);
        ObjectNode model = e.putObject("model");
        model.put("name", "rehearsal");
        ArrayNode columns = model.putArray("columns");
        for (String c : COLUMNS) {
            String[] f = c.split(":");
            ObjectNode column = columns.addObject().put("name", f[0]).put("type", f[1]);
            if (f.length > 2) {
                column.put("nullable", false);
            }
        }
        return e;
    }

    private static ObjectNode inline(ObjectNode destination, String compression, int count) {
        ObjectNode e = transfer(destination, compression);
        ArrayNode rows = e.putArray("rows");
        for (int i = 0; i < count; i++) {
            rows.add(Json.MAPPER.valueToTree(row(i)));
        }
        return e;
    }

    private static ObjectNode staged(ObjectNode destination, String compression, String format, String uri) {
        ObjectNode e = transfer(destination, compression);
        e.putObject("source").put("format", format).putArray("uris").add(uri);
        return e;
    }

    private static java.util.Map<String, Object> row(int i) {
        java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("id", 1_000_000_000L + i);
        r.put("n", i % 7 == 0 ? null : i);
        r.put("email", "user" + i + "@example.com");
        r.put("amount", new java.math.BigDecimal(i).movePointLeft(2));
        r.put("big", new java.math.BigDecimal(i).movePointLeft(4));
        r.put("score", i / 7.0);
        r.put("ratio", i / 3.0);
        r.put("active", i % 2 == 0);
        r.put("day", "2025-01-" + (10 + i % 19));
        r.put("at", "2025-01-01T00:00:" + (10 + i % 50) + "." + (100 + i % 900) + "Z");
        r.put("local", "2025-01-01 12:00:" + (10 + i % 50));
        r.put("attributes", i % 3 == 0 ? java.util.Map.of("plan", "pro", "seats", i % 10) : null);
        return r;
    }

    private static byte[] jsonl(int count) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(Json.MAPPER.writeValueAsString(row(i))).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] csv(int count) {
        StringBuilder out = new StringBuilder("id,n,email,amount,score,active,day,at\n");
        for (int i = 0; i < count; i++) {
            out.append(1_000_000_000L + i)
                    .append(',')
                    .append(i % 7 == 0 ? "" : String.valueOf(i))
                    .append(",\"user")
                    .append(i)
                    .append("@example.com\",")
                    .append(new java.math.BigDecimal(i).movePointLeft(2))
                    .append(',')
                    .append(i / 7.0)
                    .append(',')
                    .append(i % 2 == 0)
                    .append(",2025-01-")
                    .append(10 + i % 19)
                    .append(",2025-01-01T00:00:")
                    .append(10 + i % 50)
                    .append("Z\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
