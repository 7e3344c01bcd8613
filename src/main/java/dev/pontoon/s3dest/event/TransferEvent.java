package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A validated transfer event (SPEC §4). Exactly one of {@code rows} and {@code source} is set.
 *
 * @param batchId the event's batch id, or the start instant in epoch milliseconds when it had none
 * @param rows inline rows, each a JSON object; null when the rows come from {@code source}
 * @param fileIndexLimit the first file index this invocation may not use (a chunk's share of the batch's
 *     indexes); {@link Integer#MAX_VALUE} for no limit
 * @param commit this event is a whole batch: after its files, write the batch manifest (SPEC §10)
 */
public record TransferEvent(
        String transferId,
        String batchId,
        Instant transferStartedAt,
        int fileIndexStart,
        DestinationConfig destination,
        ModelSpec model,
        ArrayNode rows,
        SourceSpec source,
        int fileIndexLimit,
        boolean commit) {

    public TransferEvent {
        Objects.requireNonNull(batchId, "batchId is null");
        Objects.requireNonNull(transferStartedAt, "transferStartedAt is null");
        Objects.requireNonNull(destination, "destination is null");
        Objects.requireNonNull(model, "model is null");
        if ((rows == null) == (source == null)) {
            throw new IllegalArgumentException("exactly one of rows and source");
        }
        if (fileIndexLimit < fileIndexStart) {
            throw new IllegalArgumentException("fileIndexLimit must not be below fileIndexStart");
        }
    }

    @Override
    public String toString() {
        return "TransferEvent[transferId=" + transferId + ", batchId=" + batchId + ", transferStartedAt="
                + transferStartedAt
                + ", fileIndexStart=" + fileIndexStart + ", fileIndexLimit=" + fileIndexLimit + ", commit=" + commit
                + ", destination=" + destination + ", model=" + model.name()
                + (rows != null ? ", rows=" + rows.size() : ", source=" + source) + "]";
    }
}
