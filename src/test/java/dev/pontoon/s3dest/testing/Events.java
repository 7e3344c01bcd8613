package dev.pontoon.s3dest.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds transfer events aimed at a test server. */
public final class Events {
    private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

    private Events() {}

    public static ObjectNode destination(S3TestServer server, String bucket, String prefix) {
        ObjectNode d = F.objectNode();
        d.put("s3_bucket", bucket);
        if (prefix != null) {
            d.put("s3_prefix", prefix);
        }
        d.put("s3_region", S3TestServer.REGION);
        d.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
        d.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
        d.put("endpoint_url", server.endpoint().toString());
        return d;
    }

    /** A transfer event with the given columns ({@code name:type} or {@code name:type!} for non-nullable). */
    public static ObjectNode transfer(
            ObjectNode destination, String model, String startedAt, String batchId, String... columns) {
        ObjectNode e = F.objectNode();
        e.put("transfer_id", "test-transfer");
        if (batchId != null) {
            e.put("batch_id", batchId);
        }
        e.put("transfer_started_at", startedAt);
        e.set("destination", destination);
        ObjectNode m = e.putObject("model");
        m.put("name", model);
        ArrayNode cols = m.putArray("columns");
        for (String c : columns) {
            int colon = c.indexOf(':');
            ObjectNode col = cols.addObject();
            col.put("name", c.substring(0, colon));
            String type = c.substring(colon + 1);
            if (type.endsWith("!")) {
                col.put("nullable", false);
                type = type.substring(0, type.length() - 1);
            }
            col.put("type", type);
        }
        e.putArray("rows");
        return e;
    }

    /**
     * A transfer of model {@code m} with {@code rows} rows of ({@code id} bigint, {@code payload} string of ~73
     * incompressible characters), uncompressed: about 85 bytes a row, so sizes are predictable.
     */
    public static ObjectNode idPayload(ObjectNode destination, int rows) {
        destination.put("compression", "uncompressed");
        ObjectNode event = transfer(destination, "m", "2025-09-25T13:22:33.123Z", "b", "id:bigint!", "payload:string");
        ArrayNode array = (ArrayNode) event.get("rows");
        for (int i = 0; i < rows; i++) {
            array.addObject()
                    .put("id", i)
                    .put(
                            "payload",
                            java.util.UUID.nameUUIDFromBytes(("p" + i).getBytes()) + "-"
                                    + java.util.UUID.nameUUIDFromBytes(("q" + i).getBytes()));
        }
        return event;
    }
}
