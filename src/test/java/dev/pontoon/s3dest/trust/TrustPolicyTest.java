package dev.pontoon.s3dest.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.RoleSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The address classifier and the operator's policy, on their own (SPEC §12). */
class TrustPolicyTest {
    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void internalIpv4AddressesAreClassified() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("127.0.0.1", "loopback"),
                Map.entry("127.255.0.9", "loopback"),
                Map.entry("0.0.0.0", "unspecified"),
                Map.entry("169.254.169.254", "link-local"),
                Map.entry("10.1.2.3", "private"),
                Map.entry("172.16.0.1", "private"),
                Map.entry("172.31.255.255", "private"),
                Map.entry("192.168.1.1", "private"),
                Map.entry("100.64.0.1", "CGNAT"),
                Map.entry("100.127.255.254", "CGNAT"),
                Map.entry("224.0.0.1", "multicast"),
                Map.entry("255.255.255.255", "reserved"),
                Map.entry("192.0.0.192", "reserved"));
        for (var e : expected.entrySet()) {
            assertThat(AddressClassifier.internalKind(ip(e.getKey())))
                    .as(e.getKey())
                    .contains(e.getValue());
        }
        for (String publicAddress : new String[] {"8.8.8.8", "52.216.1.1", "172.32.0.1", "100.128.0.1", "11.0.0.1"}) {
            assertThat(AddressClassifier.internalKind(ip(publicAddress)))
                    .as(publicAddress)
                    .isEmpty();
        }
    }

    @Test
    void internalIpv6AddressesAndIpv4InsideIpv6AreClassified() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("::1", "loopback"),
                Map.entry("::", "unspecified"),
                Map.entry("fe80::1", "link-local"),
                Map.entry("fd00:ec2::254", "unique-local"),
                Map.entry("fc00::1", "unique-local"),
                Map.entry("ff02::1", "multicast"),
                // IPv4-mapped, -compatible, NAT64 and 6to4 forms are judged by the IPv4 address they carry.
                Map.entry("::ffff:127.0.0.1", "loopback"),
                Map.entry("::ffff:169.254.169.254", "link-local"),
                Map.entry("::10.0.0.1", "private"),
                Map.entry("64:ff9b::a9fe:a9fe", "link-local"),
                Map.entry("2002:7f00:1::", "loopback"));
        for (var e : expected.entrySet()) {
            // InetAddress turns a mapped literal into an Inet4Address itself; build the 16 bytes to test both paths.
            assertThat(AddressClassifier.internalKind(ip(e.getKey())))
                    .as(e.getKey())
                    .contains(e.getValue());
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        assertThat(AddressClassifier.internalKind(java.net.Inet6Address.getByAddress(null, mapped, -1)))
                .contains("loopback");
        assertThat(AddressClassifier.internalKind(ip("2600:1f18::1"))).isEmpty();
    }

    @Test
    void ipv4InOtherSpellingsAndInternalNamesAreRefusedByName() {
        for (String host : new String[] {
            "0x7f000001",
            "0x7f.0.0.1",
            "2130706433",
            "017700000001",
            "0177.0.0.1",
            "127.1",
            "127.000.000.001",
            "localhost",
            "LOCALHOST.",
            "foo.localhost",
            "metadata.google.internal",
            "instance-data",
            "ip-10-0-0-1.ec2.internal",
            "printer.local"
        }) {
            assertThat(AddressClassifier.refusedName(host)).as(host).isPresent();
        }
        for (String host : new String[] {"s3.example.com", "1.2.3.4", "minio.example.org", "10x.example.com"}) {
            assertThat(AddressClassifier.refusedName(host)).as(host).isEmpty();
        }
    }

    @Test
    void aNameThatResolvesToAnInternalAddressIsRefusedBeforeAndAtConnect() throws Exception {
        TrustPolicy policy = TrustPolicy.fromEnvironment(Map.of()).lookingUpWith(host -> switch (host) {
            case "rebind.example.com" -> new InetAddress[] {ip("203.0.113.9"), ip("127.0.0.1")};
            case "metadata.example.com" -> new InetAddress[] {ip("169.254.169.254")};
            case "s3.example.com" -> new InetAddress[] {ip("198.51.100.7")};
            default -> throw new UnknownHostException(host);
        });
        assertThatThrownBy(() -> policy.checkEndpoint(
                        "destination.endpoint_url", URI.create("https://rebind.example.com"), true))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("destination.endpoint_url: rebind.example.com is refused: it is a loopback address (only"
                        + " public endpoints are reached, unless the operator allows one in S3DEST_ALLOWED_ENDPOINTS)");
        assertThatThrownBy(() ->
                        policy.resolverFor(URI.create("https://s3.example.com")).resolve("metadata.example.com"))
                .isInstanceOf(RefusedAddressException.class)
                .hasMessageContaining("link-local");
        assertThat(policy.resolverFor(URI.create("https://s3.example.com")).resolve("s3.example.com"))
                .containsExactly(ip("198.51.100.7"));
        assertThatCode(() ->
                        policy.checkEndpoint("destination.endpoint_url", URI.create("https://s3.example.com"), true))
                .doesNotThrowAnyException();
    }

    @Test
    void httpUserInfoAndTheRuntimeApiAreRefusedAndTheAllowListOpensOnlyWhatItNames() {
        TrustPolicy policy = TrustPolicy.fromEnvironment(Map.of(
                "S3DEST_ALLOWED_ENDPOINTS", "http://127.0.0.1:*, https://*.minio.corp:9000",
                "AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"));
        assertThatThrownBy(() -> policy.checkEndpoint("f", URI.create("http://s3.example.com"), true))
                .hasMessageStartingWith("f: must use https");
        assertThatThrownBy(() -> policy.checkEndpoint("f", URI.create("https://user:pw@s3.example.com"), true))
                .hasMessageStartingWith("f: must be scheme://host");
        assertThatThrownBy(() -> policy.checkEndpoint("f", URI.create("http://127.0.0.1:9001"), true))
                .hasMessageContaining("Lambda Runtime API");
        assertThatThrownBy(() -> policy.checkEndpoint("f", URI.create("http://127.0.0.2:8080"), true))
                .hasMessageStartingWith("f: must use https");
        assertThatThrownBy(() -> policy.checkEndpoint("f", URI.create("https://127.0.0.2:8080"), true))
                .hasMessageContaining("loopback");
        assertThatCode(() -> policy.checkEndpoint("f", URI.create("http://127.0.0.1:4566"), true))
                .doesNotThrowAnyException();
        // One label per star: a.minio.corp matches, a.b.minio.corp does not; the port must be 9000.
        assertThat(EndpointPattern.parse("https://*.minio.corp:9000").matches(URI.create("https://a.minio.corp:9000")))
                .isTrue();
        assertThat(EndpointPattern.parse("https://*.minio.corp:9000")
                        .matches(URI.create("https://a.b.minio.corp:9000")))
                .isFalse();
        assertThat(EndpointPattern.parse("https://*.minio.corp:9000").matches(URI.create("https://a.minio.corp")))
                .isFalse();
    }

    @Test
    void theFunctionsCredentialsGoOnlyToAwsServiceHostsAndTheOperatorsEndpoints() {
        TrustPolicy policy = TrustPolicy.fromEnvironment(Map.of(
                "S3DEST_ALLOWED_ENDPOINTS", "http://127.0.0.1:*", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4566"));
        for (String aws : new String[] {
            "https://s3.us-east-1.amazonaws.com",
            "https://my-bucket.s3.eu-west-1.amazonaws.com",
            "https://s3.dualstack.us-west-2.amazonaws.com",
            "https://s3-fips.us-gov-west-1.amazonaws.com",
            "https://bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
            "https://s3.cn-north-1.amazonaws.com.cn",
            "https://glue.us-east-1.amazonaws.com/iceberg",
            "http://127.0.0.1:4566"
        }) {
            assertThat(policy.functionCredentialsMayGoTo(URI.create(aws)))
                    .as(aws)
                    .isTrue();
        }
        for (String other : new String[] {
            "http://s3.us-east-1.amazonaws.com",
            "https://ec2-1-2-3-4.compute-1.amazonaws.com",
            "https://abc123.execute-api.us-east-1.amazonaws.com",
            "https://my-lb-1234.us-east-1.elb.amazonaws.com",
            "https://s3.bucket.s3-website-us-east-1.amazonaws.com",
            "https://s3.amazonaws.com.evil.example",
            "https://minio.example.com",
            "http://127.0.0.1:4567"
        }) {
            assertThat(policy.functionCredentialsMayGoTo(URI.create(other)))
                    .as(other)
                    .isFalse();
        }
        assertThatThrownBy(() ->
                        policy.checkEndpoint("destination.endpoint_url", URI.create("http://127.0.0.1:4567"), false))
                .hasMessageContaining("the function's own credentials are sent only to AWS");
    }

    @Test
    void stagingAndRolesAreBoundedAndExternalIdsRequired() {
        TrustPolicy policy = TrustPolicy.fromEnvironment(Map.of(
                "S3DEST_STAGING", "s3://stage/exports,s3://other/",
                "S3DEST_ROLE_ARNS", "arn:aws:iam::*:role/pontoon-export-*",
                "S3DEST_REQUIRE_EXTERNAL_ID", "true",
                "S3DEST_CONNECTION_TEST_BUDGET", "4s"));
        assertThatCode(() -> policy.checkStaging("source.uris[0]", "stage", "exports/run-1/part-0.jsonl"))
                .doesNotThrowAnyException();
        assertThatCode(() -> policy.checkStaging("source.prefix", "other", "anything/"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkStaging("source.uris[0]", "stage", "exports-of-others/part-0.jsonl"))
                .hasMessage("source.uris[0]: s3://stage/exports-of-others/part-0.jsonl is outside the staging locations"
                        + " this function may read (S3DEST_STAGING)");
        assertThatThrownBy(() -> policy.checkStaging("source.prefix", "platform-data", ""))
                .isInstanceOf(InvalidEventException.class);

        assertThatCode(() -> policy.checkRole(
                        new RoleSettings("arn:aws:iam::123456789012:role/pontoon-export-acme", "ext-acme-1", "s")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() ->
                        policy.checkRole(new RoleSettings("arn:aws:iam::123456789012:role/admin", "ext-acme-1", "s")))
                .hasMessageStartingWith("destination.role_arn: arn:aws:iam::123456789012:role/admin is not among");
        // A star stays within one ARN segment: no role path or other service slips through it.
        assertThatThrownBy(() -> policy.checkRole(
                        new RoleSettings("arn:aws:iam::123456789012:role/pontoon-export-x:y", "e1", "s")))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> policy.checkRole(
                        new RoleSettings("arn:aws:iam::123456789012:role/pontoon-export-acme", null, "s")))
                .hasMessageStartingWith("destination.external_id: is required with role_arn");
        assertThat(policy.connectionTestBudget()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void malformedOperatorSettingsFailTheStartNamingTheVariable() {
        assertThatThrownBy(() -> TrustPolicy.fromEnvironment(Map.of("S3DEST_ALLOWED_ENDPOINTS", "127.0.0.1")))
                .hasMessageStartingWith("S3DEST_ALLOWED_ENDPOINTS");
        assertThatThrownBy(() -> TrustPolicy.fromEnvironment(Map.of("S3DEST_STAGING", "stage/exports")))
                .hasMessageStartingWith("S3DEST_STAGING");
        assertThatThrownBy(() -> TrustPolicy.fromEnvironment(Map.of("S3DEST_REQUIRE_EXTERNAL_ID", "yes")))
                .hasMessageStartingWith("S3DEST_REQUIRE_EXTERNAL_ID");
        assertThatThrownBy(() -> TrustPolicy.fromEnvironment(Map.of("S3DEST_CONNECTION_TEST_BUDGET", "soon")))
                .hasMessageStartingWith("S3DEST_CONNECTION_TEST_BUDGET");
    }
}
