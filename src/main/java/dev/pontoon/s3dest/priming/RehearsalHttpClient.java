package dev.pontoon.s3dest.priming;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that answers S3's object and multipart calls from memory, for rehearsing the transfer path
 * before a SnapStart snapshot: the SDK marshals, signs, checksums and parses exactly as for a real bucket, and
 * no byte leaves the process. Request bodies are read to the end and dropped; GETs are served from
 * {@link #stage}d objects, anything else answers 404 NoSuchKey.
 */
public final class RehearsalHttpClient implements SdkHttpClient {
    private final Map<String, byte[]> staged = new ConcurrentHashMap<>();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    /** Makes {@code body} the object at {@code /bucket/key} (path style). */
    public void stage(String bucket, String key, byte[] body) {
        staged.put("/" + bucket + "/" + key, body);
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                requests.incrementAndGet();
                if (request.contentStreamProvider().isPresent()) {
                    try (InputStream body =
                            request.contentStreamProvider().get().newStream()) {
                        body.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
                return answer(request.httpRequest());
            }

            @Override
            public void abort() {}
        };
    }

    private HttpExecuteResponse answer(SdkHttpRequest r) {
        Map<String, java.util.List<String>> query = r.rawQueryParameters();
        String path = r.encodedPath();
        return switch (r.method()) {
            case PUT -> ok(200, "", "ETag", "\"rehearsal\"");
            case POST ->
                query.containsKey("uploads")
                        ? ok(
                                200,
                                "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>rehearsal-"
                                        + uploads.incrementAndGet() + "</UploadId></InitiateMultipartUploadResult>")
                        : ok(
                                200,
                                "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                                        + "<ETag>\"rehearsal-2\"</ETag></CompleteMultipartUploadResult>");
            case DELETE -> ok(204, "");
            case GET ->
                query.containsKey("uploads")
                        ? ok(
                                200,
                                "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated>"
                                        + "</ListMultipartUploadsResult>")
                        : staged.containsKey(path)
                                ? object(staged.get(path))
                                : ok(
                                        404,
                                        "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
            default -> ok(405, "");
        };
    }

    private static HttpExecuteResponse object(byte[] body) {
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder()
                        .statusCode(200)
                        .putHeader("Content-Length", String.valueOf(body.length))
                        .putHeader("ETag", "\"rehearsal\"")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                .build();
    }

    private static HttpExecuteResponse ok(int status, String xml, String... headers) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        SdkHttpResponse.Builder response =
                SdkHttpResponse.builder().statusCode(status).putHeader("Content-Length", String.valueOf(body.length));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            response.putHeader(headers[i], headers[i + 1]);
        }
        return HttpExecuteResponse.builder()
                .response(response.build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                .build();
    }

    @Override
    public String clientName() {
        return "rehearsal";
    }

    @Override
    public void close() {}
}
