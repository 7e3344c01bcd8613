package dev.pontoon.s3dest.testing;

import java.util.logging.Level;
import org.jboss.logmanager.LogContext;

/**
 * Log levels for programs that run the code outside Quarkus (the sample, the benchmarks), where nothing configures
 * logging and the log manager's default lets DEBUG through. parquet-java then wraps every record in a debug logger,
 * which costs more than the encoding itself.
 */
public final class StandaloneLogging {
    private StandaloneLogging() {}

    public static void configure() {
        LogContext context = LogContext.getSystemLogContext();
        context.getLogger("").setLevel(Level.INFO);
        context.getLogger("org.apache.parquet").setLevel(Level.WARNING);
        context.getLogger("org.gaul").setLevel(Level.WARNING);
        context.getLogger("org.apache.iceberg").setLevel(Level.WARNING);
        context.getLogger("org.apache.iceberg.aws.s3.S3FileIO").setLevel(Level.SEVERE);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARNING);
    }
}
