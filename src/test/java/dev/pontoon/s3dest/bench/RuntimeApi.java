package dev.pontoon.s3dest.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The Lambda Runtime API for a function process started by a benchmark, on a plain socket (the Runtime Interface
 * Client's native part matches header names exactly; the JDK's HttpServer would send "Lambda-runtime-aws-request-id"):
 * hands out the events in order, one per poll, and takes each response; a poll after the last is left waiting, as
 * a sandbox between invocations. {@code onHandOut} and {@code onAnswer} run at the moment an event leaves and its
 * answer arrives, so a benchmark can read the process's CPU there.
 */
final class RuntimeApi implements AutoCloseable {
    private final List<byte[]> events;
    private final IntConsumer onHandOut;
    private final IntConsumer onAnswer;
    private final ServerSocket socket;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong firstPoll = new AtomicLong();
    private final long[] handedOut;
    private final long[] answered;
    private final List<CompletableFuture<String>> responses;

    RuntimeApi(List<byte[]> events, IntConsumer onHandOut, IntConsumer onAnswer) throws IOException {
        this.events = List.copyOf(events);
        this.onHandOut = onHandOut;
        this.onAnswer = onAnswer;
        this.handedOut = new long[events.size()];
        this.answered = new long[events.size()];
        this.responses =
                events.stream().map(e -> new CompletableFuture<String>()).toList();
        this.socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread server = new Thread(this::serve, "runtime-api");
        server.setDaemon(true);
        server.start();
    }

    /** {@code AWS_LAMBDA_RUNTIME_API} */
    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /**
     * A function process as the managed runtime starts one, polling this API: {@code java} with the options, the
     * Runtime Interface Client's main on {@code classpath} with Quarkus's stream handler, Lambda's environment for
     * {@code handler} at 1,769 MB; its output to {@code log}.
     */
    ProcessBuilder function(String java, List<String> jvmOptions, String classpath, String handler, Path log) {
        List<String> cmd = new java.util.ArrayList<>(List.of(java));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp",
                classpath,
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", address());
        pb.environment().put("QUARKUS_LAMBDA_HANDLER", handler);
        pb.environment().put("AWS_REGION", "us-east-1");
        pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", "transfer");
        pb.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(DeployedSide.MEMORY_MB));
        return pb;
    }

    /** The answer to event {@code i}: the response body, or failed with the error the function posted. */
    CompletableFuture<String> response(int i) {
        return responses.get(i);
    }

    /** {@link System#nanoTime()} of the process's first poll for work: when it was ready. */
    long firstPoll() {
        return firstPoll.get();
    }

    long handedOut(int i) {
        return handedOut[i];
    }

    long answered(int i) {
        return answered[i];
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void serve() {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return;
            }
            // One thread per connection: the client may post a result on a new connection while the one that took
            // the event stays open.
            Thread t = new Thread(() -> converse(connection), "runtime-api-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void converse(Socket connection) {
        try (connection) {
            BufferedInputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ")[1];
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                if (path.endsWith("/invocation/next")) {
                    firstPoll.compareAndSet(0, System.nanoTime());
                    int i = next.getAndIncrement();
                    if (i >= events.size()) {
                        new CountDownLatch(1).await(); // no more work: the sandbox waits
                    }
                    onHandOut.accept(i);
                    handedOut[i] = System.nanoTime();
                    byte[] event = events.get(i);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                    + "Lambda-Runtime-Aws-Request-Id: bench-" + i + "\r\n"
                                    + "Lambda-Runtime-Deadline-Ms: " + (System.currentTimeMillis() + 900_000) + "\r\n"
                                    + "Lambda-Runtime-Invoked-Function-Arn: "
                                    + "arn:aws:lambda:us-east-1:123456789012:function:transfer\r\n"
                                    + "Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\n"
                                    + "Content-Length: " + event.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(event);
                    out.flush();
                } else if (!path.contains("/invocation/bench-")) {
                    // an initialization error: no invocation will be answered
                    out.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String text = new String(body, StandardCharsets.UTF_8);
                    responses.forEach(r -> r.completeExceptionally(new IllegalStateException(path + ": " + text)));
                } else {
                    int i = Integer.parseInt(path.replaceAll(".*/invocation/bench-(\\d+)/.*", "$1"));
                    answered[i] = System.nanoTime();
                    onAnswer.accept(i);
                    out.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String text = new String(body, StandardCharsets.UTF_8);
                    if (path.endsWith("/response")) {
                        responses.get(i).complete(text);
                    } else {
                        responses.get(i).completeExceptionally(new IllegalStateException(path + ": " + text));
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return null;
    }
}
