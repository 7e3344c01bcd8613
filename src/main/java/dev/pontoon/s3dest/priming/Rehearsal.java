package dev.pontoon.s3dest.priming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.handler.ConnectionTestHandler;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.transfer.TransferService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The rehearsal script: the function's real handlers on {@link RehearsalEvents}, through an S3 client whose HTTP
 * client answers from memory.
 */
public final class Rehearsal {
    private Rehearsal() {}

    /** What a rehearsal did. */
    public record Report(long millis, long requests, long rows) {}

    /**
     * Rehearses the named function's work in memory: {@code transfer} or {@code connection-test}; for {@code commit}
     * only the client is built (its work is a few listings and small objects, cheap on a cold start).
     */
    public static Report rehearse(TransferService transfers, S3ClientFactory clients, String handler)
            throws IOException {
        long started = System.nanoTime();
        RehearsalHttpClient http = new RehearsalHttpClient();
        S3ClientFactory rehearsal = clients.sendingThrough(http);
        ObjectNode destination = RehearsalEvents.destination();
        // The function's own HTTP client is built (not used): its classes and connection pool setup load now too.
        clients.create(EventParser.destination(destination)).close();
        long rows = 0;
        if ("commit".equals(handler)) {
            return new Report((System.nanoTime() - started) / 1_000_000, http.requests(), 0);
        }
        if ("connection-test".equals(handler)) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.set("destination", destination);
            run(ConnectionTestHandler.over(new ConnectionTester(rehearsal))::handleRequest, event);
        } else {
            TransferHandler transfer = TransferHandler.over(
                    transfers.rehearsal(rehearsal, new WriterSettings(64 * 1024, 0, 16 * 1024, 4 * 1024), 16 * 1024));
            rows += run(transfer::handleRequest, RehearsalEvents.inline(destination, "zstd", 3000));
            http.stage(
                    "rehearsal-staging",
                    "rows.jsonl.gz",
                    RehearsalEvents.gzip(RehearsalEvents.jsonl(RehearsalEvents.STAGED_ROWS)));
            rows += run(
                    transfer::handleRequest,
                    RehearsalEvents.staged(destination, "snappy", "jsonl", "s3://rehearsal-staging/rows.jsonl.gz"));
            http.stage("rehearsal-staging", "rows.csv.gz", RehearsalEvents.gzip(RehearsalEvents.csv(1000)));
            rows += run(
                    transfer::handleRequest,
                    RehearsalEvents.staged(destination, "gzip", "csv", "s3://rehearsal-staging/rows.csv.gz"));
            ObjectNode sqs = Json.MAPPER.createObjectNode();
            ObjectNode record = sqs.putArray("Records").addObject();
            record.put("messageId", "rehearsal");
            record.put("eventSource", "aws:sqs");
            record.put(
                    "body",
                    RehearsalEvents.inline(destination, "uncompressed", 100).toString());
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
}
