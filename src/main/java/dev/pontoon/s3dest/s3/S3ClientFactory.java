package dev.pontoon.s3dest.s3;

import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.RoleSettings;
import dev.pontoon.s3dest.trust.TrustPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds the S3 client for a destination: its static keys or the function's role, its region, and its endpoint
 * (the destination's {@code endpoint_url}, else {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}), with
 * path-style addressing on any custom endpoint. Retries are the SDK's standard strategy (exponential backoff with
 * jitter), bounded by {@link Settings#maxAttempts()}.
 */
public final class S3ClientFactory {
    /** Used when neither the destination nor the environment names a region. */
    static final String FALLBACK_REGION = "us-east-1";

    /**
     * @param connectTimeout how long to wait for a TCP connection (an unreachable endpoint fails this fast)
     * @param socketTimeout how long a read may block on an open connection
     * @param attemptTimeout one try of one API call, a part upload included
     * @param maxAttempts tries per API call, the first included
     */
    public record Settings(Duration connectTimeout, Duration socketTimeout, Duration attemptTimeout, int maxAttempts) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(120), 5);
        }
    }

    private final Settings settings;
    private final Map<String, String> env;
    private final TrustPolicy policy;
    /** When set, every client sends through it (a rehearsal in memory) instead of its own Apache client. */
    private final SdkHttpClient httpClient;

    /** A factory under the trust policy of {@code env} (the function's environment). */
    public S3ClientFactory(Settings settings, Map<String, String> env) {
        this(settings, env, TrustPolicy.fromEnvironment(env), null);
    }

    public S3ClientFactory(Settings settings, Map<String, String> env, TrustPolicy policy) {
        this(settings, env, policy, null);
    }

    private S3ClientFactory(Settings settings, Map<String, String> env, TrustPolicy policy, SdkHttpClient httpClient) {
        this.settings = settings;
        this.env = Map.copyOf(env);
        this.policy = java.util.Objects.requireNonNull(policy, "policy is null");
        this.httpClient = httpClient;
    }

    /** The same factory whose clients send through {@code client} (not closed with them). */
    public S3ClientFactory sendingThrough(SdkHttpClient client) {
        return new S3ClientFactory(settings, env, policy, client);
    }

    /** The same factory with other timeouts and attempts (the connection test's, inside its budget). */
    public S3ClientFactory with(Settings other) {
        return new S3ClientFactory(other, env, policy, httpClient);
    }

    /** The operator's trust policy every client of this factory is built under. */
    public TrustPolicy policy() {
        return policy;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * An Apache HTTP client builder for a client whose endpoint is {@code endpoint} (null for AWS by region): host
     * names resolve only through the trust policy, so a refused address is never connected to.
     */
    public ApacheHttpClient.Builder httpClientBuilder(URI endpoint) {
        TrustPolicy.Resolver resolver = policy.resolverFor(endpoint);
        return ApacheHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.socketTimeout())
                .dnsResolver(resolver::resolve);
    }

    public S3Client create(DestinationConfig destination) {
        return create(destination, null);
    }

    /** A client whose calls and retries are counted in {@code stats} (may be null). */
    public S3Client create(DestinationConfig destination, S3CallStats stats) {
        URI endpoint = endpoint(destination);
        if (destination.endpoint() != null) {
            // The event's endpoint, checked before any request (an endpoint from the environment is the operator's).
            policy.checkEndpoint(
                    destination.endpointField(),
                    destination.endpoint(),
                    destination.hasStaticKeys() || destination.role() != null);
        }
        S3ClientBuilder builder = S3Client.builder();
        if (httpClient != null) {
            builder.httpClient(httpClient);
        } else {
            builder.httpClientBuilder(httpClientBuilder(endpoint).expectContinueEnabled(true));
        }
        AssumedRole role = destination.role() == null ? null : assumeRole(destination, credentials(destination));
        java.util.List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors =
                new java.util.ArrayList<>();
        interceptors.add(new AttemptCounter());
        if (stats != null) {
            interceptors.add(stats);
        }
        if (!policy.isTrustedAnswerer(endpoint)) {
            interceptors.add(new ForeignAnswerFilter());
        }
        builder.region(Region.of(region(destination)))
                .credentialsProvider(role == null ? credentials(destination) : role.provider())
                .overrideConfiguration(c -> c.executionInterceptors(interceptors)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build())
                        .apiCallAttemptTimeout(settings.attemptTimeout()));
        if (endpoint != null) {
            builder.endpointOverride(endpoint).forcePathStyle(destination.pathStyle());
        }
        S3Client client = builder.build();
        return role == null ? client : new WithRole(client, role);
    }

    /**
     * A client over an assumed role: closing it also closes the role's provider and its STS client, which the SDK
     * leaves open (a client does not own the credentials provider it is given).
     */
    static final class WithRole extends software.amazon.awssdk.services.s3.DelegatingS3Client {
        private final AssumedRole role;
        private volatile boolean closed;

        WithRole(S3Client delegate, AssumedRole role) {
            super(delegate);
            this.role = role;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                super.close();
            } finally {
                role.close();
            }
        }

        AssumedRole role() {
            return role;
        }
    }

    /** The role's credentials and the STS client that refreshes them; both are closed together. */
    record AssumedRole(StsClient sts, StsAssumeRoleCredentialsProvider provider)
            implements AwsCredentialsProvider, AutoCloseable {
        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return provider.resolveCredentials();
        }

        @Override
        public void close() {
            try {
                provider.close();
            } finally {
                sts.close();
            }
        }
    }

    /**
     * Assumes the destination's role with its base credentials, once, before any S3 call: a failure here says it
     * was the assume-role that failed, not S3. The session is cached by the provider for the invocation.
     */
    private AssumedRole assumeRole(DestinationConfig destination, AwsCredentialsProvider base) {
        RoleSettings role = destination.role();
        policy.checkRole(role);
        String stsEndpoint = environment("AWS_ENDPOINT_URL_STS");
        StsClientBuilder sts = StsClient.builder()
                .httpClientBuilder(httpClientBuilder(stsEndpoint == null ? null : URI.create(stsEndpoint)))
                .region(Region.of(region(destination)))
                .credentialsProvider(base)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .build()));
        if (stsEndpoint != null) {
            sts.endpointOverride(URI.create(stsEndpoint));
        }
        StsClient stsClient = sts.build();
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(stsClient)
                .refreshRequest(r -> r.roleArn(role.roleArn())
                        .roleSessionName(role.sessionName())
                        .externalId(role.externalId()))
                .build();
        AssumedRole assumed = new AssumedRole(stsClient, provider);
        try {
            provider.resolveCredentials();
        } catch (RuntimeException e) {
            assumed.close();
            throw S3Errors.map(e, "AssumeRole " + role.roleArn() + " (before any S3 call)", destination.bucket(), null);
        }
        return assumed;
    }

    /**
     * The destination's credentials (static keys, else the default chain; the role assumed with them when it names
     * one) for another AWS service, such as the catalog. Close it with that client when it is an
     * {@link AutoCloseable} (an assumed role's STS client).
     */
    public AwsCredentialsProvider credentialsFor(DestinationConfig destination) {
        return destination.role() == null
                ? credentials(destination)
                : assumeRole(destination, credentials(destination));
    }

    /** A variable of the function's environment (as given to this factory), or null. */
    public String environment(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The destination's region, else the function's ({@code AWS_REGION}), else us-east-1. */
    public String region(DestinationConfig destination) {
        if (destination.region() != null) {
            return destination.region();
        }
        String fromEnv = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        return fromEnv == null || fromEnv.isBlank() ? FALLBACK_REGION : fromEnv;
    }

    /** The destination's endpoint, else the standard environment variables; null for AWS itself. */
    public URI endpoint(DestinationConfig destination) {
        if (destination.endpoint() != null) {
            return destination.endpoint();
        }
        for (String name : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        return null;
    }

    private static AwsCredentialsProvider credentials(DestinationConfig destination) {
        if (!destination.hasStaticKeys()) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (destination.sessionToken() != null) {
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    destination.accessKeyId(), destination.secretAccessKey(), destination.sessionToken()));
        }
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(destination.accessKeyId(), destination.secretAccessKey()));
    }
}
