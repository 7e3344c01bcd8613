package dev.pontoon.s3dest.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An Iceberg REST catalog in process on 127.0.0.1: Iceberg's own REST adapter and servlet (from iceberg-core's test
 * jar) over a JDBC catalog in SQLite, whose table files go through S3FileIO to the test S3 server. A filter in front
 * records each request and can refuse, race or drop a table commit, answering with the REST spec's error model.
 */
public final class IcebergRestServer implements AutoCloseable {
    private final Path dir;
    private final JdbcCatalog backend;
    private final Server jetty;
    private final URI uri;
    private final List<String> requests = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();

    private volatile String refuseCommits;
    private volatile Consumer<JdbcCatalog> beforeNextCommit;
    private volatile boolean loseNextCommitResponse;

    public IcebergRestServer(S3TestServer s3, String warehouseBucket) throws Exception {
        this.dir = Files.createTempDirectory("iceberg-rest");
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.URI, "jdbc:sqlite:" + dir.resolve("catalog.db"));
        props.put(CatalogProperties.WAREHOUSE_LOCATION, "s3://" + warehouseBucket + "/warehouse");
        props.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
        props.put("jdbc.schema-version", "V1");
        props.put("s3.endpoint", s3.endpoint().toString());
        props.put("s3.path-style-access", "true");
        props.put("s3.access-key-id", S3TestServer.ACCESS_KEY);
        props.put("s3.secret-access-key", S3TestServer.SECRET_KEY);
        props.put("client.region", S3TestServer.REGION);
        this.backend = new JdbcCatalog();
        backend.initialize("backend", props);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
        context.addFilter(new FilterHolder(new Faults()), "/*", EnumSet.of(DispatcherType.REQUEST));
        this.jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        jetty.setHandler(context);
        jetty.start();
        int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        this.uri = URI.create("http://127.0.0.1:" + port);
    }

    public URI uri() {
        return uri;
    }

    /** The catalog behind the REST layer: what tests read the table back from, and race commits against. */
    public JdbcCatalog backend() {
        return backend;
    }

    /** {@code METHOD path} of every request so far. */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    /** The {@code Authorization} header of every request so far (empty string when absent). */
    public synchronized List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** Table commits (and creates) are answered 403 with this message, until {@link #allowCommits()}. */
    public void refuseCommits(String message) {
        this.refuseCommits = message;
    }

    public void allowCommits() {
        this.refuseCommits = null;
    }

    /** Just before the next table commit reaches the catalog, another writer commits through {@code writer}. */
    public void beforeNextCommit(Consumer<JdbcCatalog> writer) {
        this.beforeNextCommit = writer;
    }

    /** The next table commit is applied, but its response is lost: the client sees a 503. */
    public void loseNextCommitResponse() {
        this.loseNextCommitResponse = true;
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        backend.close();
    }

    private static boolean isTableCommit(HttpServletRequest request) {
        // POST /v1/namespaces/{ns}/tables (create) and POST /v1/namespaces/{ns}/tables/{table} (update)
        return "POST".equals(request.getMethod())
                && request.getRequestURI().matches("/v1/namespaces/[^/]+/tables(/[^/]+)?");
    }

    private final class Faults implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            synchronized (IcebergRestServer.this) {
                requests.add(request.getMethod() + " " + request.getRequestURI());
                String auth = request.getHeader("Authorization");
                authorizations.add(auth == null ? "" : auth);
            }
            if (isTableCommit(request)) {
                String refusal = refuseCommits;
                if (refusal != null) {
                    error(response, 403, "ForbiddenException", refusal);
                    return;
                }
                Consumer<JdbcCatalog> writer = beforeNextCommit;
                if (writer != null) {
                    beforeNextCommit = null;
                    writer.accept(backend);
                }
                if (loseNextCommitResponse) {
                    loseNextCommitResponse = false;
                    chain.doFilter(request, new jakarta.servlet.http.HttpServletResponseWrapper(response) {
                        private final java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();

                        @Override
                        public jakarta.servlet.ServletOutputStream getOutputStream() {
                            return new jakarta.servlet.ServletOutputStream() {
                                @Override
                                public boolean isReady() {
                                    return true;
                                }

                                @Override
                                public void setWriteListener(jakarta.servlet.WriteListener listener) {}

                                @Override
                                public void write(int b) {
                                    sink.write(b);
                                }
                            };
                        }

                        @Override
                        public java.io.PrintWriter getWriter() {
                            return new java.io.PrintWriter(sink);
                        }
                    });
                    response.reset();
                    error(response, 503, "ServiceUnavailableException", "the gateway timed out");
                    return;
                }
            }
            chain.doFilter(request, response);
        }
    }

    /** The REST spec's error model: {@code {"error": {"message", "type", "code"}}}. */
    private static void error(HttpServletResponse response, int code, String type, String message) throws IOException {
        response.setStatus(code);
        response.setContentType("application/json");
        String body = "{\"error\": {\"message\": \"" + message.replace("\"", "'") + "\", \"type\": \"" + type
                + "\", \"code\": " + code + "}}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
