package dev.pontoon.s3dest.trust;

import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.RoleSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's side of the trust boundary (SPEC §12), read once from the function's environment: which endpoints
 * an event may lead to, where staged data may be read, which roles may be assumed, and how long a connection test
 * may take. Every client factory holds one and checks what the event names against it before any request; the HTTP
 * clients resolve host names only through {@link #resolverFor(URI)}, so the address checked is the one connected to.
 *
 * <p>The {@code destination} object is the platform's customer's; everything else in an event is the platform's. The
 * function's own credentials are sent only to AWS service hosts and to the endpoints the operator set in the
 * environment ({@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_S3}, {@code _STS}, {@code _GLUE}).
 */
public final class TrustPolicy {
    public static final String ALLOWED_ENDPOINTS = "S3DEST_ALLOWED_ENDPOINTS";
    public static final String STAGING = "S3DEST_STAGING";
    public static final String ROLE_ARNS = "S3DEST_ROLE_ARNS";
    public static final String REQUIRE_EXTERNAL_ID = "S3DEST_REQUIRE_EXTERNAL_ID";
    public static final String CONNECTION_TEST_BUDGET = "S3DEST_CONNECTION_TEST_BUDGET";
    static final List<String> OPERATOR_ENDPOINT_VARIABLES =
            List.of("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_GLUE");

    /** Looks a host name up; the JDK's resolver in production, a fixed table in tests. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    /** A staging root: every staged object and prefix an event names must lie under one. */
    record StagingRoot(String bucket, String prefix) {
        boolean contains(String otherBucket, String key) {
            return bucket.equals(otherBucket) && key.startsWith(prefix);
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    private final List<EndpointPattern> allowed;
    private final List<StagingRoot> staging;
    private final List<Pattern> roleArns;
    private final boolean requireExternalId;
    private final Duration connectionTestBudget;
    private final List<URI> operatorEndpoints;
    /** The Lambda Runtime API's {@code host:port}, never reachable from an event, allow-list or not. */
    private final String runtimeApi;

    private final Lookup lookup;

    private TrustPolicy(
            List<EndpointPattern> allowed,
            List<StagingRoot> staging,
            List<Pattern> roleArns,
            boolean requireExternalId,
            Duration connectionTestBudget,
            List<URI> operatorEndpoints,
            String runtimeApi,
            Lookup lookup) {
        this.allowed = List.copyOf(allowed);
        this.staging = List.copyOf(staging);
        this.roleArns = List.copyOf(roleArns);
        this.requireExternalId = requireExternalId;
        this.connectionTestBudget = connectionTestBudget;
        this.operatorEndpoints = List.copyOf(operatorEndpoints);
        this.runtimeApi = runtimeApi;
        this.lookup = lookup;
    }

    /** The operator's settings from the function's environment; a malformed one fails the function's start. */
    public static TrustPolicy fromEnvironment(Map<String, String> env) {
        List<EndpointPattern> allowed = new ArrayList<>();
        for (String p : list(env.get(ALLOWED_ENDPOINTS))) {
            allowed.add(EndpointPattern.parse(p));
        }
        List<StagingRoot> staging = new ArrayList<>();
        for (String s : list(env.get(STAGING))) {
            staging.add(stagingRoot(s));
        }
        List<Pattern> roles = new ArrayList<>();
        for (String r : list(env.get(ROLE_ARNS))) {
            if (!r.startsWith("arn:")) {
                throw new IllegalArgumentException(ROLE_ARNS + ": '" + r + "' is not an ARN pattern");
            }
            roles.add(glob(r, "[^:]*"));
        }
        String require = env.getOrDefault(REQUIRE_EXTERNAL_ID, "false").trim().toLowerCase(Locale.ROOT);
        if (!require.equals("true") && !require.equals("false") && !require.isEmpty()) {
            throw new IllegalArgumentException(REQUIRE_EXTERNAL_ID + ": must be true or false");
        }
        Duration budget = duration(env.get(CONNECTION_TEST_BUDGET), Duration.ofSeconds(10));
        List<URI> operator = new ArrayList<>();
        for (String name : OPERATOR_ENDPOINT_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                operator.add(URI.create(value.trim()));
            }
        }
        String runtime = env.get("AWS_LAMBDA_RUNTIME_API");
        return new TrustPolicy(
                allowed,
                staging,
                roles,
                require.equals("true"),
                budget,
                operator,
                runtime == null || runtime.isBlank() ? null : runtime.trim().toLowerCase(Locale.ROOT),
                InetAddress::getAllByName);
    }

    /** The same policy looking names up with {@code other} (tests: a name that resolves to loopback). */
    public TrustPolicy lookingUpWith(Lookup other) {
        return new TrustPolicy(
                allowed,
                staging,
                roleArns,
                requireExternalId,
                connectionTestBudget,
                operatorEndpoints,
                runtimeApi,
                other);
    }

    public Duration connectionTestBudget() {
        return connectionTestBudget;
    }

    // ---- endpoints ----

    /**
     * Checks an endpoint the event names ({@code field} is its place, e.g. {@code destination.endpoint_url}) before
     * any request: https unless allow-listed, no user info, no internal name or address unless allow-listed, and
     * the function's own credentials ({@code ownCredentials} false) only for AWS or operator endpoints.
     */
    public void checkEndpoint(String field, URI uri, boolean ownCredentials) {
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidEventException(
                    field + ": must be scheme://host[:port][/path], without user info, query or" + " fragment");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new InvalidEventException(field + ": must be an https:// URL with a host");
        }
        if (isOperatorEndpoint(uri)) {
            return;
        }
        boolean allowListed = isAllowListed(uri);
        if (!scheme.equals("https") && !allowListed) {
            throw new InvalidEventException(field + ": must use https (plain http is refused for " + uri.getHost()
                    + "; the operator can allow an endpoint in " + ALLOWED_ENDPOINTS + ")");
        }
        if (isRuntimeApi(uri)) {
            throw new InvalidEventException(
                    field + ": " + uri.getHost() + " is the Lambda Runtime API, never an endpoint");
        }
        if (!allowListed && !isAwsHost(uri.getHost())) {
            Optional<String> refused = AddressClassifier.refusedName(uri.getHost());
            if (refused.isPresent()) {
                throw refusedEndpoint(field, uri, refused.get());
            }
            try {
                if (uri.getHost().toLowerCase(Locale.ROOT).endsWith(".invalid")) {
                    // RFC 6761: never resolves (the SnapStart rehearsal's in-memory endpoint): no lookup is sent.
                    throw new UnknownHostException(uri.getHost());
                }
                checkAddresses(uri.getHost(), lookup.lookup(bareHost(uri.getHost())));
            } catch (RefusedAddressException e) {
                throw refusedEndpoint(field, uri, e.kind());
            } catch (UnknownHostException e) {
                // Not resolvable now: the client's own lookup (through resolverFor) reports it, checked the same way.
            }
        }
        if (!ownCredentials && !functionCredentialsMayGoTo(uri)) {
            throw new InvalidEventException(field + ": " + uri.getHost() + " is not an AWS endpoint, and the function's"
                    + " own credentials are sent only to AWS: give the destination its own aws_access_key_id and"
                    + " aws_secret_access_key (or a role_arn) for it");
        }
    }

    private InvalidEventException refusedEndpoint(String field, URI uri, String kind) {
        return new InvalidEventException(field + ": " + uri.getHost() + " is refused: it is " + kind
                + " (only public endpoints are reached, unless the operator allows one in " + ALLOWED_ENDPOINTS + ")");
    }

    /** Whether the function's own credentials may sign requests to {@code uri}: AWS over https, or the operator's. */
    public boolean functionCredentialsMayGoTo(URI uri) {
        if (uri == null) {
            return true; // the SDK's own endpoint for the region
        }
        return isOperatorEndpoint(uri)
                || "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && isAwsHost(uri.getHost());
    }

    /**
     * Whether answers from {@code uri} are AWS's (or the operator's), whose error text may be shown; anything else
     * is reduced to the HTTP status and a known error code ({@link ForeignAnswers}).
     */
    public boolean isTrustedAnswerer(URI uri) {
        return functionCredentialsMayGoTo(uri);
    }

    /**
     * The only way the HTTP clients turn a host name into addresses: for a client whose endpoint is {@code endpoint}
     * (null for AWS's own, by region), AWS and operator hosts and an allow-listed endpoint's host resolve as they
     * are; any other host must resolve to public addresses only, else the lookup fails and nothing is connected.
     */
    public Resolver resolverFor(URI endpoint) {
        boolean allowListed = endpoint != null && isAllowListed(endpoint);
        String allowedHost = allowListed ? bareHost(endpoint.getHost()).toLowerCase(Locale.ROOT) : null;
        return host -> {
            String h = bareHost(host).toLowerCase(Locale.ROOT);
            InetAddress[] addresses = lookup.lookup(h);
            if (isAwsHost(h) || isOperatorHost(h) || h.equals(allowedHost)) {
                return addresses;
            }
            Optional<String> refused = AddressClassifier.refusedName(h);
            if (refused.isPresent()) {
                throw new RefusedAddressException(host, refused.get());
            }
            checkAddresses(host, addresses);
            return addresses;
        };
    }

    /** Resolves host names for one client; throws {@link RefusedAddressException} for a refused one. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Every address must be public: a name with one internal address among public ones is refused whole. */
    private static void checkAddresses(String host, InetAddress[] addresses) throws RefusedAddressException {
        for (InetAddress a : addresses) {
            Optional<String> kind = AddressClassifier.internalKind(a);
            if (kind.isPresent()) {
                throw new RefusedAddressException(host, "a " + kind.get() + " address");
            }
        }
    }

    private boolean isAllowListed(URI uri) {
        return allowed.stream().anyMatch(p -> p.matches(uri));
    }

    private boolean isOperatorEndpoint(URI uri) {
        for (URI o : operatorEndpoints) {
            if (same(o, uri)) {
                return true;
            }
        }
        return false;
    }

    private boolean isOperatorHost(String host) {
        return operatorEndpoints.stream()
                .anyMatch(o -> o.getHost() != null && bareHost(o.getHost()).equalsIgnoreCase(host));
    }

    private boolean isRuntimeApi(URI uri) {
        if (runtimeApi == null) {
            return false;
        }
        int port = uri.getPort() < 0
                ? EndpointPattern.defaultPort(uri.getScheme().toLowerCase(Locale.ROOT))
                : uri.getPort();
        return runtimeApi.equals(uri.getHost().toLowerCase(Locale.ROOT) + ":" + port)
                || runtimeApi.equals(uri.getHost().toLowerCase(Locale.ROOT));
    }

    private static boolean same(URI a, URI b) {
        if (a.getScheme() == null || b.getScheme() == null || a.getHost() == null || b.getHost() == null) {
            return false;
        }
        String scheme = a.getScheme().toLowerCase(Locale.ROOT);
        int portA = a.getPort() < 0 ? EndpointPattern.defaultPort(scheme) : a.getPort();
        int portB = b.getPort() < 0 ? EndpointPattern.defaultPort(scheme) : b.getPort();
        return scheme.equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && portA == portB;
    }

    /**
     * An endpoint of the AWS services this function calls (S3 in its path, virtual-host, dual-stack, FIPS, access
     * point and VPC endpoint forms; STS; Glue; S3 Tables), whose names AWS's DNS answers. Not every name under
     * amazonaws.com: EC2, ELB, API Gateway and S3 website names lead to customers' own servers.
     */
    static boolean isAwsHost(String host) {
        String h = bareHost(host).toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return AWS_SERVICE_HOST.matcher(h).matches();
    }

    private static final Pattern AWS_SERVICE_HOST = Pattern.compile("([a-z0-9.-]+\\.)?"
            + "(s3|s3-fips|s3-external-1|s3-accesspoint|s3-accesspoint-fips|s3-control|s3tables|sts|sts-fips|glue"
            + "|glue-fips|s3-(fips-)?(us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-[0-9])"
            + "(\\.dualstack)?(\\.[a-z]{2}(-[a-z]+)+-[0-9])?(\\.vpce)?\\.amazonaws\\.com(\\.cn)?");

    private static String bareHost(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    // ---- staging ----

    /**
     * Staged data is the operator's: with {@code S3DEST_STAGING} set, an object or prefix outside it is refused
     * before any request. Unset, nothing is bounded (a local run).
     */
    public void checkStaging(String field, String bucket, String keyOrPrefix) {
        if (staging.isEmpty()) {
            return;
        }
        for (StagingRoot root : staging) {
            if (root.contains(bucket, keyOrPrefix)) {
                return;
            }
        }
        throw new InvalidEventException(field + ": s3://" + bucket + "/" + keyOrPrefix
                + " is outside the staging locations this function may read (" + STAGING + ")");
    }

    // ---- roles ----

    /** Before STS is called: the role must match {@code S3DEST_ROLE_ARNS}, and carry an external id when required. */
    public void checkRole(RoleSettings role) {
        if (!roleArns.isEmpty()
                && roleArns.stream().noneMatch(p -> p.matcher(role.roleArn()).matches())) {
            throw new InvalidEventException("destination.role_arn: " + role.roleArn()
                    + " is not among the roles this function may assume (" + ROLE_ARNS + ")");
        }
        if (requireExternalId && role.externalId() == null) {
            throw new InvalidEventException("destination.external_id: is required with role_arn (" + REQUIRE_EXTERNAL_ID
                    + "); the platform sets it, one per customer");
        }
    }

    // ---- parsing ----

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static StagingRoot stagingRoot(String text) {
        if (!text.startsWith("s3://") || text.length() <= 5) {
            throw new IllegalArgumentException(STAGING + ": '" + text + "' is not s3://bucket[/prefix]");
        }
        String rest = text.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException(STAGING + ": '" + text + "' has no bucket");
        }
        // A prefix bounds whole path segments: s3://b/staging is s3://b/staging/..., not s3://b/staging-other.
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        return new StagingRoot(bucket, prefix);
    }

    /** An ARN pattern: {@code *} stands for any run of characters within one {@code :}-separated segment. */
    private static Pattern glob(String pattern, String star) {
        StringBuilder regex = new StringBuilder();
        for (String piece : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(star);
            }
            regex.append(Pattern.quote(piece));
        }
        return Pattern.compile(regex.toString());
    }

    private static Duration duration(String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    CONNECTION_TEST_BUDGET + ": '" + text + "' is not a duration (e.g. 10s)");
        }
    }
}
