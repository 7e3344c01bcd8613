package dev.pontoon.s3dest.transfer;

import java.time.Duration;

/**
 * When the invocation must stop: the Lambda deadline less a margin for finishing or aborting the upload in flight.
 * Checked between rows, so the function fails cleanly with its uploads aborted instead of being killed mid-upload.
 */
public final class Deadline {
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    private final long stopAtNanos;

    private Deadline(long stopAtNanos) {
        this.stopAtNanos = stopAtNanos;
    }

    /**
     * @param remainingMillis what the Lambda context reports; 0 or less means no deadline is known (a local run or
     *     a test server that sends none), and the transfer runs to the end
     */
    public static Deadline fromRemaining(long remainingMillis, Duration margin) {
        if (remainingMillis <= 0) {
            return NONE;
        }
        return new Deadline(System.nanoTime() + (remainingMillis - margin.toMillis()) * 1_000_000L);
    }

    public boolean passed() {
        return stopAtNanos != Long.MAX_VALUE && System.nanoTime() - stopAtNanos >= 0;
    }
}
