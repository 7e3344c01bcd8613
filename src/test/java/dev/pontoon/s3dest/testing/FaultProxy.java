package dev.pontoon.s3dest.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of an S3 server. It classifies each request by its method and
 * query (CreateMultipartUpload, UploadPart, CompleteMultipartUpload, PutObject, …) and, as planned, answers with one
 * of S3's real error responses, breaks the connection in the middle of the request body, or holds the response back
 * longer than the client waits. Everything else passes through unchanged (the request is re-sent byte for byte, so
 * SigV4 signatures stay valid); each connection carries one request ({@code Connection: close} is added).
 */
public final class FaultProxy implements AutoCloseable {
    public enum Op {
        CREATE_MULTIPART,
        UPLOAD_PART,
        COMPLETE_MULTIPART,
        ABORT_MULTIPART,
        PUT_OBJECT,
        GET_OBJECT,
        OTHER
    }

    /**
     * {@code KMS_DENIED} answers as S3 does when the caller may not use the KMS key: 403 AccessDenied naming
     * {@code kms:GenerateDataKey}. Like KMS, it only concerns requests that ask for SSE-KMS; others pass untouched
     * and do not use up the plan.
     */
    public enum Fault {
        STATUS_500,
        STATUS_503,
        RESET,
        SLOW,
        KMS_DENIED
    }

    private record Plan(Op op, AtomicInteger skip, AtomicInteger times, Fault fault) {}

    private final ServerSocket server;
    private final URI upstream;
    private final List<Plan> plans = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<String> heads = Collections.synchronizedList(new ArrayList<>());
    private volatile long slowMillis = 5_000;

    public FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Lets {@code skip} requests of {@code op} through, then applies {@code fault} to the next {@code times}. */
    public FaultProxy inject(Op op, int skip, int times, Fault fault) {
        plans.add(new Plan(op, new AtomicInteger(skip), new AtomicInteger(times), fault));
        return this;
    }

    /** How long a SLOW response is held back. */
    public FaultProxy slowFor(long millis) {
        this.slowMillis = millis;
        return this;
    }

    public void clear() {
        plans.clear();
        log.clear();
        heads.clear();
    }

    /** "OP FAULT" or "OP pass" for each request seen, in order. */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Each request's operation and head (request line and headers), in order, for asserting what went on the wire. */
    public List<String> heads() {
        synchronized (heads) {
            return List.copyOf(heads);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> handle(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private Fault plan(Op op, String head) {
        boolean asksForKms = head.toLowerCase(Locale.ROOT).contains("x-amz-server-side-encryption: aws:kms");
        synchronized (plans) {
            for (Plan p : plans) {
                if (p.op() != op || (p.fault() == Fault.KMS_DENIED && !asksForKms)) {
                    continue;
                }
                if (p.skip().get() > 0) {
                    p.skip().decrementAndGet();
                    continue;
                }
                if (p.times().get() > 0) {
                    p.times().decrementAndGet();
                    return p.fault();
                }
            }
        }
        return null;
    }

    private void handle(Socket client) {
        try (client) {
            InputStream cin = client.getInputStream();
            OutputStream cout = client.getOutputStream();
            String head = readHead(cin);
            if (head == null) {
                return;
            }
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            Op op = classify(requestLine);
            long length = header(head, "content-length").map(Long::parseLong).orElse(0L);
            boolean expectContinue = header(head, "expect")
                    .map(v -> v.equalsIgnoreCase("100-continue"))
                    .orElse(false);
            Fault fault = plan(op, head);
            log.add(op + " " + (fault == null ? "pass" : fault.name()));
            heads.add(op + "\n" + head);
            if (fault == Fault.STATUS_500 || fault == Fault.STATUS_503 || fault == Fault.KMS_DENIED) {
                if (expectContinue) {
                    cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    cout.flush();
                }
                cin.skipNBytes(length);
                respondError(cout, fault);
                return;
            }
            try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
                OutputStream uout = up.getOutputStream();
                uout.write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
                uout.flush();
                if (fault == Fault.RESET) {
                    // Half the body, then a reset: the server may or may not have acted on the request; the client
                    // never sees an answer.
                    copy(cin, uout, length / 2);
                    uout.flush();
                    client.setSoLinger(true, 0);
                    up.setSoLinger(true, 0);
                    return;
                }
                Thread back = new Thread(
                        () -> {
                            try {
                                if (fault == Fault.SLOW) {
                                    Thread.sleep(slowMillis);
                                }
                                up.getInputStream().transferTo(cout);
                                cout.flush();
                            } catch (IOException | InterruptedException ignored) {
                                // the client gave up (as a SLOW fault intends) or the upstream closed
                            }
                        },
                        "fault-proxy-back");
                back.setDaemon(true);
                back.start();
                copy(cin, uout, length);
                uout.flush();
                back.join(fault == Fault.SLOW ? slowMillis + 30_000 : 60_000);
            }
        } catch (IOException | InterruptedException ignored) {
            // a broken test connection ends here
        }
    }

    static Op classify(String requestLine) {
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String target = parts.length > 1 ? parts[1] : "";
        String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
        boolean uploadId = query.contains("uploadId=");
        return switch (method) {
            case "POST" ->
                query.contains("uploads") && !uploadId
                        ? Op.CREATE_MULTIPART
                        : uploadId ? Op.COMPLETE_MULTIPART : Op.OTHER;
            case "PUT" ->
                query.contains("partNumber=")
                        ? Op.UPLOAD_PART
                        : query.isEmpty() || !query.contains("=") || query.startsWith("x-id=PutObject")
                                ? Op.PUT_OBJECT
                                : Op.OTHER;
            case "DELETE" -> uploadId ? Op.ABORT_MULTIPART : Op.OTHER;
            case "GET" ->
                target.indexOf('/', 1) > 0 && !query.contains("uploads") && !query.contains("list-type")
                        ? Op.GET_OBJECT
                        : Op.OTHER;
            default -> Op.OTHER;
        };
    }

    private static void respondError(OutputStream out, Fault fault) throws IOException {
        if (fault == Fault.KMS_DENIED) {
            respond(
                    out,
                    "403 Forbidden",
                    "AccessDenied",
                    "User: arn:aws:iam::111111111111:user/exporter is not "
                            + "authorized to perform: kms:GenerateDataKey on resource: "
                            + "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab because no "
                            + "identity-based policy allows the kms:GenerateDataKey action");
            return;
        }
        boolean slowDown = fault == Fault.STATUS_503;
        String code = slowDown ? "SlowDown" : "InternalError";
        String message =
                slowDown ? "Please reduce your request rate." : "We encountered an internal error. Please try again.";
        respond(out, slowDown ? "503 Slow Down" : "500 Internal Server Error", code, message);
    }

    private static void respond(OutputStream out, String status, String code, String message) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                        + "</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>fault-proxy</HostId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: application/xml\r\nContent-Length: " + body.length + "\r\n"
                + "x-amz-request-id: 4442587FB7D0A2F9\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String withConnectionClose(String head) {
        StringBuilder sb = new StringBuilder();
        for (String line : head.split("\r\n", -1)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                continue;
            }
            if (line.isEmpty()) {
                break;
            }
            sb.append(line).append("\r\n");
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    private static java.util.Optional<String> header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return java.util.Optional.of(line.substring(colon + 1).trim());
            }
        }
        return java.util.Optional.empty();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 64 * 1024) {
                throw new IOException("request head too large");
            }
        }
        return null;
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            out.write(buf, 0, r);
            left -= r;
        }
    }
}
