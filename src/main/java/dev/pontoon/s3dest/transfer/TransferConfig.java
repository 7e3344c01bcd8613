package dev.pontoon.s3dest.transfer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Deployment settings of the transfer function ({@code s3dest.*} in application.properties, or environment
 * variables such as {@code S3DEST_PART_SIZE}). Defaults suit a 512 MB Lambda.
 */
@ConfigMapping(prefix = "s3dest")
public interface TransferConfig {
    /** Multipart part size in bytes; two parts are in memory at most. At least 5 MiB unless {@link #allowSmallParts()}. */
    @WithDefault("16777216")
    int partSize();

    /** A file is closed when it reaches about this many bytes. */
    @WithDefault("134217728")
    long targetFileBytes();

    /** A file is closed when it holds this many rows; 0 for no limit. */
    @WithDefault("0")
    long maxFileRows();

    /** Rows buffered in memory before a row group is written. */
    @WithDefault("33554432")
    long rowGroupBytes();

    @WithDefault("1048576")
    int pageBytes();

    @WithDefault("5s")
    Duration connectTimeout();

    @WithDefault("30s")
    Duration socketTimeout();

    @WithDefault("120s")
    Duration attemptTimeout();

    /** Tries per S3 call, the first included; the SDK's standard strategy backs off between them. */
    @WithDefault("5")
    int maxAttempts();

    /**
     * How long before the Lambda deadline the transfer stops and aborts its upload. Covers the part upload or
     * object read in flight when the deadline check runs, so keep it above a part's upload time.
     */
    @WithDefault("30s")
    Duration deadlineMargin();

    /** Lets tests cut parts below S3's 5 MiB minimum, for servers that accept them. Never in production. */
    @WithDefault("false")
    boolean allowSmallParts();

    /**
     * When the function rehearses its work in memory to load and compile its code (priming.Priming):
     * {@code snapshot} before a SnapStart snapshot, {@code init} at startup, {@code train} at startup and then exit
     * (the training run that records a JDK AOT cache: docs/OPERATIONS.md "Operating it", cold start), {@code off} never.
     */
    @WithDefault("snapshot")
    PrimeMode prime();

    /** See {@link #prime()}. */
    enum PrimeMode {
        SNAPSHOT,
        INIT,
        TRAIN,
        OFF
    }
}
