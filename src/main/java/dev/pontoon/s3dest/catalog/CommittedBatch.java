package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.FileResult;
import java.time.Instant;
import java.util.List;

/**
 * What a commit registers: one batch's files, complete and checked.
 *
 * @param startedAt the transfer's start: every row's {@code pontoon__last_synced_at}
 * @param partitions {@code dt=yyyy-MM-dd} of the batch's files, sorted
 * @param files by file index, each with its footer's column statistics
 */
public record CommittedBatch(String batchId, Instant startedAt, List<String> partitions, List<FileResult> files) {
    public CommittedBatch {
        partitions = List.copyOf(partitions);
        files = List.copyOf(files);
    }
}
