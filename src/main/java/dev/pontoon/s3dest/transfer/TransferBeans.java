package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3MultipartOutputStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Wires the services from {@link TransferConfig}; the services themselves are plain classes. */
@ApplicationScoped
public class TransferBeans {
    /** Same as {@link TransferConfig#deadlineMargin()}'s default, for use outside the container. */
    public static final Duration DEFAULT_DEADLINE_MARGIN = Duration.ofSeconds(30);

    @Produces
    @ApplicationScoped
    S3ClientFactory clientFactory(TransferConfig config) {
        return new S3ClientFactory(
                new S3ClientFactory.Settings(
                        config.connectTimeout(), config.socketTimeout(), config.attemptTimeout(), config.maxAttempts()),
                System.getenv());
    }

    /**
     * The connection test answers a person waiting on a form: short timeouts and one retry, so an unreachable or
     * silent endpoint is reported within seconds instead of after the SDK's defaults.
     */
    @Produces
    @ApplicationScoped
    BatchCommitter batchCommitter(S3ClientFactory clients) {
        return new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
    }

    /** The commit with default settings, for use outside the container. */
    public static BatchCommitter defaultCommitter() {
        S3ClientFactory clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), System.getenv());
        return new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
    }

    @Produces
    @ApplicationScoped
    ConnectionTester connectionTester() {
        return new ConnectionTester(new S3ClientFactory(
                new S3ClientFactory.Settings(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4), 2),
                System.getenv()));
    }

    @Produces
    @ApplicationScoped
    TransferService transferService(TransferConfig config, S3ClientFactory clients) {
        if (config.partSize() < S3MultipartOutputStream.MIN_PART_SIZE && !config.allowSmallParts()) {
            throw new IllegalArgumentException(
                    "s3dest.part-size: " + config.partSize() + " is below S3's minimum part size of 5 MiB (5242880)");
        }
        WriterSettings writer = new WriterSettings(
                config.targetFileBytes(), config.maxFileRows(), config.rowGroupBytes(), config.pageBytes());
        // The Embedded Metric Format line goes to stdout, where Lambda's log capture turns it into metrics.
        return new TransferService(writer, config.partSize(), clients, Json.MAPPER, uploader(), System.out::println);
    }

    /** The service with the defaults of {@link TransferConfig}, for use outside the container. */
    public static TransferService defaultService() {
        S3ClientFactory.Settings s3 = S3ClientFactory.Settings.defaults();
        return new TransferService(
                new WriterSettings(128L << 20, 0, 32L << 20, 1 << 20),
                16 << 20,
                new S3ClientFactory(s3, System.getenv()),
                Json.MAPPER,
                uploader(),
                System.out::println);
    }

    /** Part uploads run here; each stream keeps at most one in flight. Daemon threads never hold the JVM up. */
    static ExecutorService uploader() {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "s3-part-upload");
            t.setDaemon(true);
            return t;
        });
    }
}
