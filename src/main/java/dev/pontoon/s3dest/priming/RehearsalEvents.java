package dev.pontoon.s3dest.priming;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * The events and staged files of the rehearsal: every column type, inline rows, staged JSONL and CSV, each codec,
 * aimed at an endpoint under {@code .invalid} (RFC 6761: never resolves) with credentials that are not ones.
 */
final class RehearsalEvents {
    private RehearsalEvents() {}

    static ObjectNode destination() {
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

    static ObjectNode transfer(ObjectNode destination, String compression) {
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

    static ObjectNode inline(ObjectNode destination, String compression, int count) {
        ObjectNode e = transfer(destination, compression);
        ArrayNode rows = e.putArray("rows");
        for (int i = 0; i < count; i++) {
            rows.add(Json.MAPPER.valueToTree(row(i)));
        }
        return e;
    }

    static ObjectNode staged(ObjectNode destination, String compression, String format, String uri) {
        ObjectNode e = transfer(destination, compression);
        ObjectNode source = e.putObject("source").put("format", format);
        if (format.equals("csv")) {
            // The rehearsal's CSV carries the common columns only (the others are null), as the option says.
            source.put("missing_columns", "null");
        }
        source.putArray("uris").add(uri);
        return e;
    }

    static java.util.Map<String, Object> row(int i) {
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

    static byte[] jsonl(int count) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(Json.MAPPER.writeValueAsString(row(i))).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] csv(int count) {
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

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
