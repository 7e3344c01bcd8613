package dev.pontoon.s3dest.testing;

import java.nio.file.Path;

/**
 * s3proxy in a process of its own, objects kept as files under the given folder: benchmarks run it beside the JVM
 * they measure, so the server's memory is not counted. Prints {@code ENDPOINT <url>}, then serves until its standard
 * input closes (the parent exiting closes it). With a key store and its password after the folder, it serves HTTPS.
 */
public final class S3ServerMain {
    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        // args: folder [keystore password] — with a key store the endpoint is HTTPS.
        S3TestServer server = args.length > 2
                ? S3TestServer.onFolderHttps(Path.of(args[0]), Path.of(args[1]), args[2])
                : S3TestServer.onFolder(Path.of(args[0]));
        System.out.println("ENDPOINT " + server.endpoint());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        server.close();
        System.exit(0);
    }
}
