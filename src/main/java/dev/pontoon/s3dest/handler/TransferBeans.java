package dev.pontoon.s3dest.handler;

import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3MultipartOutputStream;
import dev.pontoon.s3dest.transfer.TransferConfig;
import dev.pontoon.s3dest.transfer.TransferService;
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

    @Produces
    @ApplicationScoped
    BatchCommitter batchCommitter(S3ClientFactory clients) {
        return new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
    }

    /** The commit with default settings, for use outside the container. */
    public static BatchCommitter defaultCommitter() {
        return defaultCommitter(System.getenv());
    }

    /** The commit with default settings under the environment {@code env} (its trust policy, its endpoints). */
    public static BatchCommitter defaultCommitter(java.util.Map<String, String> env) {
        S3ClientFactory clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), env);
        return new BatchCommitter(clients, Json.MAPPER, new Catalogs(clients));
    }

    /**
     * The connection test answers a person waiting on a form: timeouts and one retry inside
     * S3DEST_CONNECTION_TEST_BUDGET, so an unreachable or silent endpoint is reported within seconds instead of after the SDK's defaults.
     */
    @Produces
    @ApplicationScoped
    ConnectionTester connectionTester() {
        return new ConnectionTester(new S3ClientFactory(S3ClientFactory.Settings.defaults(), System.getenv()));
    }

    @Produces
    @ApplicationScoped
    TransferService transferService(TransferConfig config, S3ClientFactory clients, BatchCommitter committer) {
        if (config.partSize() < S3MultipartOutputStream.MIN_PART_SIZE && !config.allowSmallParts()) {
            throw new IllegalArgumentException(
                    "s3dest.part-size: " + config.partSize() + " is below S3's minimum part size of 5 MiB (5242880)");
        }
        WriterSettings writer = new WriterSettings(
                config.targetFileBytes(), config.maxFileRows(), config.rowGroupBytes(), config.pageBytes());
        // The Embedded Metric Format line goes to stdout, where Lambda's log capture turns it into metrics.
        return new TransferService(
                writer, config.partSize(), clients, Json.MAPPER, uploader(), System.out::println, committer);
    }

    /** The service with the defaults of {@link TransferConfig}, for use outside the container. */
    public static TransferService defaultService() {
        return defaultService(System.getenv());
    }

    /** The service with the defaults of {@link TransferConfig} under the environment {@code env}. */
    public static TransferService defaultService(java.util.Map<String, String> env) {
        S3ClientFactory.Settings s3 = S3ClientFactory.Settings.defaults();
        return new TransferService(
                new WriterSettings(128L << 20, 0, 32L << 20, 1 << 20),
                16 << 20,
                new S3ClientFactory(s3, env),
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
