package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.CatalogSpec;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.ObjectSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.AwsProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.catalog.SessionCatalog;
import org.apache.iceberg.rest.RESTSessionCatalog;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.auth.AuthProperties;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.GlueClientBuilder;

/**
 * Opens the catalog a destination names, with the destination's credentials (its static keys or role, as for S3):
 * Glue through the SDK, with its endpoint variables ({@code AWS_ENDPOINT_URL_GLUE}, else {@code AWS_ENDPOINT_URL});
 * an Iceberg REST catalog through Iceberg's own client, signed with SigV4 when asked, its table files read and
 * written through the destination's own S3 client and object settings.
 */
public final class Catalogs {
    private final S3ClientFactory clients;
    private final Duration restConnectTimeout;
    private final Duration restReadTimeout;
    /** Today's date for Glue's projection range (a batch dated after it widens the range). */
    private final java.time.Clock clock;

    /** Iceberg's HTTP client waits minutes by default; a commit should fail in seconds, or a minute for a read. */
    public Catalogs(S3ClientFactory clients) {
        this(clients, Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /** With the REST catalog's timeouts given (the connection test's, inside its budget). */
    public Catalogs(S3ClientFactory clients, Duration restConnectTimeout, Duration restReadTimeout) {
        this(clients, restConnectTimeout, restReadTimeout, java.time.Clock.systemUTC());
    }

    /** With the clock that says what today is (tests set it). */
    public Catalogs(
            S3ClientFactory clients, Duration restConnectTimeout, Duration restReadTimeout, java.time.Clock clock) {
        this.clients = clients;
        this.restConnectTimeout = restConnectTimeout;
        this.restReadTimeout = restReadTimeout;
        this.clock = clock;
    }

    /**
     * Checks what opening the destination's catalog would reach, without a request: a transfer that commits its
     * own batch calls it before writing a file, so a refused catalog leaves nothing behind.
     */
    public void check(DestinationConfig destination) {
        CatalogSpec spec = destination.catalog(CatalogSpec.Type.ICEBERG_REST);
        if (spec != null) {
            clients.policy()
                    .checkEndpoint(spec.field() + ".uri", URI.create(spec.uri()), ownCredentials(destination, spec));
        }
    }

    /** Whether a catalog call carries credentials other than the function's own (or none, unsigned). */
    private static boolean ownCredentials(DestinationConfig destination, CatalogSpec spec) {
        return !spec.sigv4() || destination.hasStaticKeys() || destination.role() != null;
    }

    /** Opens one of the destination's catalogs. */
    public TableCatalog open(DestinationConfig destination, CatalogSpec spec) {
        return switch (spec.type()) {
            case GLUE -> glue(destination, spec);
            case ICEBERG_REST -> iceberg(destination, spec);
            case DELTA -> new DeltaCatalog(clients.create(destination), destination);
        };
    }

    private TableCatalog glue(DestinationConfig destination, CatalogSpec spec) {
        AwsCredentialsProvider credentials = clients.credentialsFor(destination);
        // Glue's endpoint is AWS's for the region, or the operator's: an event never names it.
        String endpoint = clients.environment("AWS_ENDPOINT_URL_GLUE");
        if (endpoint == null) {
            endpoint = clients.environment("AWS_ENDPOINT_URL");
        }
        S3ClientFactory.Settings settings = clients.settings();
        GlueClientBuilder builder = GlueClient.builder()
                .httpClientBuilder(clients.httpClientBuilder(endpoint == null ? null : URI.create(endpoint)))
                .credentialsProvider(credentials)
                .region(Region.of(spec.region() != null ? spec.region() : clients.region(destination)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build())
                        .apiCallAttemptTimeout(settings.attemptTimeout()));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        AutoCloseable closeCredentials = credentials instanceof AutoCloseable c ? c : () -> {};
        return new GlueCatalog(builder.build(), closeCredentials, clock);
    }

    private TableCatalog iceberg(DestinationConfig destination, CatalogSpec spec) {
        URI uri = URI.create(spec.uri());
        // Signed with the function's own credentials only when the catalog is AWS's (or the operator's).
        boolean ownCredentials = ownCredentials(destination, spec);
        check(destination);
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogProperties.URI, spec.uri());
        if (spec.warehouse() != null) {
            properties.put(CatalogProperties.WAREHOUSE_LOCATION, spec.warehouse());
        }
        AutoCloseable closeCredentials = () -> {};
        if (spec.sigv4()) {
            AwsCredentialsProvider provider = clients.credentialsFor(destination);
            closeCredentials = provider instanceof AutoCloseable c ? c : closeCredentials;
            // Resolved once: a commit takes seconds, far less than any session's life.
            AwsCredentials credentials = provider.resolveCredentials();
            properties.put(AuthProperties.AUTH_TYPE, AuthProperties.AUTH_TYPE_SIGV4);
            properties.put(AuthProperties.SIGV4_DELEGATE_AUTH_TYPE, AuthProperties.AUTH_TYPE_NONE);
            properties.put(
                    AwsProperties.REST_SIGNER_REGION,
                    spec.region() != null ? spec.region() : clients.region(destination));
            properties.put(AwsProperties.REST_SIGNING_NAME, signingName(spec));
            properties.put(AwsProperties.REST_ACCESS_KEY_ID, credentials.accessKeyId());
            properties.put(AwsProperties.REST_SECRET_ACCESS_KEY, credentials.secretAccessKey());
            if (credentials instanceof AwsSessionCredentials session) {
                properties.put(AwsProperties.REST_SESSION_TOKEN, session.sessionToken());
            }
        }
        Map<String, String> io = fileIoProperties(destination.objects());
        // Each FileIO holds an S3 client: all are closed with the catalog, so a warm container keeps no pools.
        java.util.List<S3FileIO> fileIos = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        RESTSessionCatalog rest = new RESTSessionCatalog(
                config -> {
                    // The catalog's own config answer may override its URI: that one is checked the same way.
                    URI base = URI.create(config.get(CatalogProperties.URI));
                    if (!base.equals(uri)) {
                        clients.policy()
                                .checkEndpoint(
                                        spec.field() + ".uri (as overridden by the catalog)", base, ownCredentials);
                    }
                    return new PolicedRestClient(
                            base,
                            RESTUtil.configHeaders(config),
                            clients.policy(),
                            restConnectTimeout,
                            restReadTimeout);
                },
                // The destination's S3 settings (endpoint, credentials, path style), not what a catalog may vend,
                // and only under the destination's own location.
                (context, config) -> {
                    S3FileIO fileIo = new BoundedFileIO(destination, () -> clients.create(destination));
                    fileIo.initialize(io);
                    fileIos.add(fileIo);
                    return fileIo;
                });
        AutoCloseable credentials = closeCredentials;
        AutoCloseable afterCatalog = () -> {
            try {
                synchronized (fileIos) {
                    fileIos.forEach(S3FileIO::close);
                }
            } finally {
                credentials.close();
            }
        };
        try {
            rest.initialize("pontoon", properties);
        } catch (RuntimeException e) {
            close(rest, afterCatalog);
            throw IcebergRestCatalog.opening(e, spec.uri());
        }
        return new IcebergRestCatalog(
                rest.asCatalog(SessionCatalog.SessionContext.createEmpty()),
                () -> close(rest, afterCatalog),
                spec.uri());
    }

    /** AWS Glue's Iceberg endpoint signs as {@code glue}; anything else as Iceberg's default, API Gateway. */
    private static String signingName(CatalogSpec spec) {
        if (spec.signingName() != null) {
            return spec.signingName();
        }
        String host = URI.create(spec.uri()).getHost();
        return host != null && host.startsWith("glue.") ? "glue" : AwsProperties.REST_SIGNING_NAME_DEFAULT;
    }

    /** The destination's object settings for the table's metadata files (S3 Bucket Key is left to the bucket). */
    private static Map<String, String> fileIoProperties(ObjectSettings objects) {
        Map<String, String> p = new HashMap<>();
        if ("AES256".equals(objects.sse())) {
            p.put(S3FileIOProperties.SSE_TYPE, S3FileIOProperties.SSE_TYPE_S3);
        } else if ("aws:kms".equals(objects.sse())) {
            p.put(S3FileIOProperties.SSE_TYPE, S3FileIOProperties.SSE_TYPE_KMS);
            if (objects.kmsKeyId() != null) {
                p.put(S3FileIOProperties.SSE_KEY, objects.kmsKeyId());
            }
        }
        if (objects.storageClass() != null) {
            p.put(S3FileIOProperties.WRITE_STORAGE_CLASS, objects.storageClass());
        }
        objects.tags().forEach((k, v) -> p.put(S3FileIOProperties.WRITE_TAGS_PREFIX + k, v));
        return p;
    }

    private static void close(RESTSessionCatalog rest, AutoCloseable credentials) {
        try {
            rest.close();
        } catch (java.io.IOException e) {
            // nothing was left open that matters
        } finally {
            try {
                credentials.close();
            } catch (Exception e) {
                // as above
            }
        }
    }
}
