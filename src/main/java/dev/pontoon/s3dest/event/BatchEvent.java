package dev.pontoon.s3dest.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A batch of staged files named by a prefix (SPEC §10): the state machine's execution input, and the commit
 * function's. {@code transfer} is a §4 event without rows or source; {@code source} names the files.
 */
public record BatchEvent(
        String transferId,
        String batchId,
        Instant transferStartedAt,
        DestinationConfig destination,
        ModelSpec model,
        StagingPrefix staging) {

    public BatchEvent {
        Objects.requireNonNull(batchId, "batchId is null");
        Objects.requireNonNull(transferStartedAt, "transferStartedAt is null");
        Objects.requireNonNull(destination, "destination is null");
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(staging, "staging is null");
    }
}
