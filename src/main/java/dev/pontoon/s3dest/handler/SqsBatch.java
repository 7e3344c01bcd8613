package dev.pontoon.s3dest.handler;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pontoon.s3dest.event.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The SQS envelope (SPEC §6): {@code {"Records": [{"messageId", "eventSource": "aws:sqs", "body"}]}}. Each record
 * is processed on its own; the response names only the failed ones, for {@code ReportBatchItemFailures}.
 *
 * <p>From a FIFO queue (its ARN ends in {@code .fifo}) records must land in order: after the first failure the
 * rest of the batch is not processed and is reported failed too, so SQS redelivers them after the failed one
 * instead of letting later messages of the group overtake it (as Powertools' batch utility does).
 */
final class SqsBatch {
    private static final Logger LOG = Logger.getLogger(SqsBatch.class);

    /** The partial batch response Lambda's SQS integration reads. */
    record Response(@JsonProperty("batchItemFailures") List<Failure> batchItemFailures) {}

    record Failure(@JsonProperty("itemIdentifier") String itemIdentifier) {}

    private SqsBatch() {}

    /** True for an SQS event: a {@code Records} array whose records come from {@code aws:sqs}. */
    static boolean isSqsEvent(JsonNode event) {
        JsonNode records = event.get("Records");
        return records != null
                && records.isArray()
                && !records.isEmpty()
                && "aws:sqs".equals(records.get(0).path("eventSource").asText(null));
    }

    /** Runs {@code process} on each record's body; a record that throws is reported, the others go on. */
    static Response process(JsonNode event, Consumer<JsonNode> process) {
        List<Failure> failures = new ArrayList<>();
        boolean fifo = false;
        for (JsonNode record : event.get("Records")) {
            String id = record.path("messageId").asText(null);
            fifo |= record.path("eventSourceARN").asText("").endsWith(".fifo");
            if (fifo && !failures.isEmpty()) {
                LOG.warnf("SQS message %s not processed: an earlier message of this FIFO batch failed", id);
                failures.add(new Failure(id));
                continue;
            }
            try {
                JsonNode body = record.path("body");
                if (!body.isTextual()) {
                    throw new dev.pontoon.s3dest.event.InvalidEventException(
                            "body: must be a string holding a transfer event");
                }
                process.accept(Json.read(body.textValue()));
            } catch (RuntimeException e) {
                LOG.errorf("SQS message %s failed: %s: %s", id, e.getClass().getSimpleName(), e.getMessage());
                if (id == null) {
                    // Without an id the failure cannot be reported alone: fail the batch so nothing is lost.
                    throw e;
                }
                failures.add(new Failure(id));
            }
        }
        return new Response(failures);
    }
}
