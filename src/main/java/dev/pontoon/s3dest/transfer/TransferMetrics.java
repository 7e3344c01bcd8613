package dev.pontoon.s3dest.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One CloudWatch Embedded Metric Format line per invocation: CloudWatch turns it into metrics from the log stream,
 * with no agent or client library. Namespace {@value #NAMESPACE}, dimension {@code Model}.
 */
final class TransferMetrics {
    static final String NAMESPACE = "PontoonS3Destination";

    private TransferMetrics() {}

    record Figures(
            String model,
            String transferId,
            String batchId,
            long rows,
            long bytes,
            int files,
            long durationMs,
            long retries,
            int abortedUploads,
            boolean failed) {}

    static String emf(ObjectMapper mapper, Figures f, long timestampMillis) {
        ObjectNode line = mapper.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", timestampMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Model");
        ArrayNode metrics = directive.putArray("Metrics");
        metric(metrics, "Rows", "Count");
        metric(metrics, "Bytes", "Bytes");
        metric(metrics, "Files", "Count");
        metric(metrics, "DurationMs", "Milliseconds");
        metric(metrics, "Retries", "Count");
        metric(metrics, "AbortedUploads", "Count");
        metric(metrics, "Failed", "Count");
        line.put("Model", f.model());
        line.put("Rows", f.rows());
        line.put("Bytes", f.bytes());
        line.put("Files", f.files());
        line.put("DurationMs", f.durationMs());
        line.put("Retries", f.retries());
        line.put("AbortedUploads", f.abortedUploads());
        line.put("Failed", f.failed() ? 1 : 0);
        // Properties, not dimensions: searchable in Logs Insights without multiplying metric series.
        line.put("TransferId", f.transferId());
        line.put("BatchId", f.batchId());
        return line.toString();
    }

    private static void metric(ArrayNode metrics, String name, String unit) {
        metrics.addObject().put("Name", name).put("Unit", unit);
    }
}
