package dev.pontoon.s3dest.catalog;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.pontoon.s3dest.trust.ForeignAnswers;
import dev.pontoon.s3dest.trust.TrustPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.apache.iceberg.exceptions.RESTException;
import org.apache.iceberg.rest.BaseHTTPClient;
import org.apache.iceberg.rest.ErrorHandler;
import org.apache.iceberg.rest.HTTPHeaders;
import org.apache.iceberg.rest.HTTPRequest;
import org.apache.iceberg.rest.ImmutableHTTPRequest;
import org.apache.iceberg.rest.ParserContext;
import org.apache.iceberg.rest.RESTClient;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.auth.AuthSession;
import org.apache.iceberg.rest.responses.ErrorResponse;

/**
 * Iceberg's REST transport under the trust policy (SPEC §12), in place of Iceberg's own {@code HTTPClient}, which
 * follows redirects, resolves names itself and repeats error bodies: host names resolve only through the policy (the
 * address checked is the one connected to), redirects and automatic retries are off, timeouts come from the caller,
 * answers are capped in size, and an error from a catalog that is not AWS's is reduced to its HTTP status and a
 * known Iceberg error type.
 */
final class PolicedRestClient extends BaseHTTPClient {
    /** A catalog answer larger than this is refused (table metadata responses are kilobytes to a few megabytes). */
    static final int MAX_ANSWER_BYTES = 32 << 20;

    private final URI baseUri;
    private final Map<String, String> baseHeaders;
    private final CloseableHttpClient http;
    private final boolean trustedAnswers;
    private final AuthSession auth;
    private final boolean root;

    PolicedRestClient(
            URI baseUri,
            Map<String, String> baseHeaders,
            TrustPolicy policy,
            Duration connectTimeout,
            Duration socketTimeout) {
        this.baseUri = baseUri;
        this.baseHeaders = Map.copyOf(baseHeaders);
        TrustPolicy.Resolver resolver = policy.resolverFor(baseUri);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new org.apache.hc.client5.http.DnsResolver() {
                            @Override
                            public java.net.InetAddress[] resolve(String host) throws java.net.UnknownHostException {
                                return resolver.resolve(host);
                            }

                            @Override
                            public String resolveCanonicalHostname(String host) {
                                return host; // never a reverse lookup: the name given is the name checked
                            }
                        })
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofMilliseconds(connectTimeout.toMillis()))
                                .setSocketTimeout(Timeout.ofMilliseconds(socketTimeout.toMillis()))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(Timeout.ofMilliseconds(socketTimeout.toMillis()))
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
        this.trustedAnswers = policy.isTrustedAnswerer(baseUri);
        this.auth = AuthSession.EMPTY;
        this.root = true;
    }

    private PolicedRestClient(PolicedRestClient parent, AuthSession auth) {
        this.baseUri = parent.baseUri;
        this.baseHeaders = parent.baseHeaders;
        this.http = parent.http;
        this.trustedAnswers = parent.trustedAnswers;
        this.auth = auth;
        this.root = false;
    }

    @Override
    public RESTClient withAuthSession(AuthSession session) {
        return new PolicedRestClient(this, session);
    }

    @Override
    protected HTTPRequest buildRequest(
            HTTPRequest.HTTPMethod method,
            String path,
            Map<String, String> queryParams,
            Map<String, String> headers,
            Object body) {
        Map<String, String> all = new HashMap<>();
        if (headers != null) {
            all.putAll(headers);
        }
        all.putIfAbsent("Accept", ContentType.APPLICATION_JSON.getMimeType());
        all.putIfAbsent(
                "Content-Type",
                (body instanceof Map ? ContentType.APPLICATION_FORM_URLENCODED : ContentType.APPLICATION_JSON)
                        .getMimeType());
        baseHeaders.forEach(all::putIfAbsent);
        HTTPRequest request = ImmutableHTTPRequest.builder()
                .baseUri(baseUri)
                .method(method)
                .path(path)
                .body(body)
                .queryParameters(queryParams == null ? Map.of() : queryParams)
                .headers(HTTPHeaders.of(all))
                .build();
        return auth.authenticate(request);
    }

    @Override
    protected <T extends RESTResponse> T execute(
            HTTPRequest request,
            Class<T> responseType,
            Consumer<ErrorResponse> errorHandler,
            Consumer<Map<String, String>> responseHeaders) {
        return execute(
                request,
                responseType,
                errorHandler,
                responseHeaders,
                ParserContext.builder().build());
    }

    @Override
    protected <T extends RESTResponse> T execute(
            HTTPRequest request,
            Class<T> responseType,
            Consumer<ErrorResponse> errorHandler,
            Consumer<Map<String, String>> responseHeaders,
            ParserContext parserContext) {
        HttpUriRequestBase http = new HttpUriRequestBase(request.method().name(), request.requestUri());
        for (HTTPHeaders.HTTPHeader h : request.headers().entries()) {
            http.addHeader(h.name(), h.value());
        }
        String body = request.encodedBody();
        if (body != null) {
            http.setEntity(new StringEntity(body, StandardCharsets.UTF_8));
        }
        try (CloseableHttpResponse response = this.http.execute(http)) {
            Map<String, String> headers = new HashMap<>();
            for (Header h : response.getHeaders()) {
                headers.put(h.getName(), h.getValue());
            }
            if (responseHeaders != null) {
                responseHeaders.accept(headers);
            }
            int code = response.getCode();
            if (code == 204 || responseType == null && code >= 200 && code < 300) {
                return null;
            }
            String text = read(response);
            if (code < 200 || code >= 300) {
                errorHandler.accept(error(code, text, errorHandler));
                throw new RESTException("Unhandled error: HTTP %d", code);
            }
            if (text == null || text.isEmpty()) {
                throw new RESTException("The catalog answered HTTP %d without a body", code);
            }
            try {
                ObjectReader reader = request.mapper().readerFor(responseType);
                if (parserContext != null && !parserContext.isEmpty()) {
                    reader = reader.with(parserContext.toInjectableValues());
                }
                return reader.readValue(text);
            } catch (IOException e) {
                throw new RESTException(
                        "The catalog's answer (HTTP %d) is not a valid %s", code, responseType.getSimpleName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "catalog request " + request.method() + " " + request.path() + " failed: " + describe(e), e);
        }
    }

    /**
     * A failed connection in words that do not tell a closed port from a filtered one, nor repeat an address;
     * a refused address keeps the policy's own words.
     */
    private String describe(IOException e) {
        if (e instanceof dev.pontoon.s3dest.trust.RefusedAddressException refused) {
            return refused.getMessage();
        }
        if (e instanceof java.net.UnknownHostException) {
            return "the catalog's host name could not be resolved";
        }
        if (e instanceof java.net.SocketTimeoutException
                && !(e instanceof org.apache.hc.client5.http.ConnectTimeoutException)) {
            return "the catalog did not answer in time";
        }
        if (trustedAnswers) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        return "no connection to the catalog (refused, filtered or unreachable)";
    }

    /**
     * The error to raise: the catalog's own error model when it is AWS's (or the operator's); otherwise only the
     * status, and the error type when it is one of Iceberg's, so that the commit can still tell a missing table
     * from a conflict. A redirect is an error too: it is never followed.
     */
    private ErrorResponse error(int code, String text, Consumer<ErrorResponse> handler) {
        ErrorResponse parsed = null;
        if (handler instanceof ErrorHandler parser && text != null && !text.isEmpty()) {
            try {
                parsed = parser.parseResponse(code, text);
            } catch (RuntimeException e) {
                parsed = null;
            }
        }
        if (trustedAnswers && parsed != null) {
            return parsed;
        }
        String type = parsed == null ? null : ForeignAnswers.icebergType(parsed.type());
        String message = code >= 300 && code < 400
                ? "HTTP " + code + " (a redirect, not followed)"
                : "HTTP " + code + (type == null ? "" : " " + type);
        return ErrorResponse.builder()
                .responseCode(code)
                .withType(type)
                .withMessage(message)
                .build();
    }

    private static String read(CloseableHttpResponse response) throws IOException {
        if (response.getEntity() == null) {
            return null;
        }
        try (InputStream in = response.getEntity().getContent()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new RESTException("The catalog's answer is larger than %d bytes", MAX_ANSWER_BYTES);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Closes the connection pool (the root client's); auth sessions belong to Iceberg's AuthManager. */
    @Override
    public void close() throws IOException {
        if (root) {
            http.close();
        }
    }
}
