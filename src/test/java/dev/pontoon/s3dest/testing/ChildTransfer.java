package dev.pontoon.s3dest.testing;

import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.transfer.TransferService;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Runs one transfer event through the transfer handler in a JVM of its own, as a Lambda sandbox would: the test
 * that starts it can compare what two processes write, or kill the process mid-file.
 */
public final class ChildTransfer {
    private ChildTransfer() {}

    /** {@code ChildTransfer <event file>}: prints the handler's output on stdout. */
    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            // 64 KiB parts (the lenient test server takes them), so even a small file is a multipart upload.
            TransferService service = new TransferService(
                    new WriterSettings(128L << 20, 0, 32L << 20, 1 << 20),
                    64 * 1024,
                    new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()),
                    Json.MAPPER,
                    Executors.newCachedThreadPool());
            TransferHandler.over(service).handleRequest(in, out, null);
        }
        System.out.println(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        System.exit(0);
    }

    /** Starts {@link #main} on {@code event} in a new JVM with this class path; its output goes to {@code log}. */
    public static Process start(Path event, Path log) throws java.io.IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildTransfer.class.getName());
        cmd.add(event.toString());
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
