package dev.pontoon.s3dest.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.InternalService;
import dev.pontoon.s3dest.testing.InternalService.Answer;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trust boundary of SPEC §12 through the real handlers, tried as a hostile customer would: a listener posing as
 * an internal service (on 127.0.0.2, outside the tests' allow-list) or as a customer's own server (on 127.0.0.1)
 * records every request head and answers with a marker body, a redirect, a 500 or nothing. The function's own
 * credentials are a key id that no request may carry.
 */
class TrustBoundaryTest {
    private static final String FUNCTION_KEY_ID = "AKIAFUNCTIONROLE7777";
    private static final String STARTED = "2025-09-25T13:22:33.123Z";
    private final S3TestServer server = S3TestServer.shared();
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = "trust-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        // The function's own role, as the default credential chain finds it.
        System.setProperty("aws.accessKeyId", FUNCTION_KEY_ID);
        System.setProperty("aws.secretAccessKey", "function-role-secret-do-not-send");
        System.setProperty("aws.sessionToken", "function-role-session-token");
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
    }

    /** What the invocation printed: its result, or the error as Lambda reports it. */
    private static String invoke(RequestStreamHandler handler, JsonNode event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(
                    new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            return out.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "{\"errorType\": \"" + e.getClass().getName() + "\", \"errorMessage\": "
                    + Json.MAPPER.getNodeFactory().textNode(String.valueOf(e.getMessage())) + "}";
        }
    }

    private static RequestStreamHandler transfer(Map<String, String> env) {
        return TransferHandler.standalone(env);
    }

    private static RequestStreamHandler connectionTest(Map<String, String> env) {
        return ConnectionTestHandler.over(
                new ConnectionTester(new S3ClientFactory(S3ClientFactory.Settings.defaults(), env)));
    }

    private ObjectNode transferEvent(ObjectNode destination) {
        ObjectNode event = Events.transfer(destination, "leads", STARTED, "b1", "id:bigint");
        event.withArray("rows").addObject().put("id", 1);
        return event;
    }

    private static ObjectNode connectionEvent(ObjectNode destination) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.set("destination", destination);
        return event;
    }

    private ObjectNode withoutKeys(ObjectNode destination) {
        destination.remove("aws_access_key_id");
        destination.remove("aws_secret_access_key");
        return destination;
    }

    private static void assertUntouched(InternalService service) {
        assertThat(service.heads())
                .as("requests received by " + service.endpoint())
                .isEmpty();
    }

    @Test
    void theFunctionsCredentialsNeverGoToAnEndpointTheCustomerNamed() throws Exception {
        try (InternalService customer = InternalService.reachable(Answer.MARKER_500)) {
            String endpoint = customer.endpoint().toString();
            ObjectNode destination = withoutKeys(Events.destination(server, bucket, "x"));
            destination.put("endpoint_url", endpoint);
            String transfer = invoke(transfer(Loopback.env()), transferEvent(destination));
            assertThat(transfer)
                    .contains("InvalidEventException")
                    .contains("destination.endpoint_url: 127.0.0.1 is not an AWS endpoint")
                    .contains("give the destination its own aws_access_key_id");
            String test = invoke(connectionTest(Loopback.env()), connectionEvent(destination.deepCopy()));
            assertThat(Json.read(test).get("success").asBoolean()).isFalse();
            assertThat(test).contains("\"endpoint\"").contains("is not an AWS endpoint");

            // A staged source and a SigV4 catalog on the customer's host, the destination itself on AWS: refused too.
            ObjectNode onAws = withoutKeys(Events.destination(server, bucket, "x"));
            onAws.remove("endpoint_url");
            ObjectNode staged = transferEvent(onAws);
            staged.remove("rows");
            staged.putObject("source")
                    .put("format", "jsonl")
                    .put("endpoint_url", endpoint)
                    .putArray("uris")
                    .add("s3://staging/leads/part-0.jsonl");
            assertThat(invoke(transfer(Loopback.env()), staged))
                    .contains("source.endpoint_url: 127.0.0.1 is not an AWS endpoint");
            ObjectNode signed = onAws.deepCopy();
            signed.putObject("catalog")
                    .put("type", "iceberg-rest")
                    .put("uri", endpoint)
                    .put("namespace", "analytics")
                    .put("sigv4", true)
                    .put("region", "us-east-1");
            // Opened as the commit opens it (a connection test would first probe AWS S3, which is not reachable here).
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.pontoon.s3dest.catalog.Catalogs(
                                    new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()))
                            .open(
                                    dev.pontoon.s3dest.event.EventParser.destination(signed),
                                    dev.pontoon.s3dest.event.EventParser.destination(signed)
                                            .catalogs()
                                            .get(0)))
                    .isInstanceOf(dev.pontoon.s3dest.event.InvalidEventException.class)
                    .hasMessageStartingWith("destination.catalog.uri: 127.0.0.1 is not an AWS endpoint");
            // In a list of catalogs the error names the entry.
            ObjectNode listed = onAws.deepCopy();
            listed.putArray("catalogs").add(Json.read("{\"type\": \"delta\"}")).add(signed.get("catalog"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.pontoon.s3dest.catalog.Catalogs(
                                    new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()))
                            .check(dev.pontoon.s3dest.event.EventParser.destination(listed)))
                    .isInstanceOf(dev.pontoon.s3dest.event.InvalidEventException.class)
                    .hasMessageStartingWith("destination.catalogs[1].uri: 127.0.0.1 is not an AWS endpoint");
            assertUntouched(customer);
        }
    }

    @Test
    void internalAddressesAreNeverContacted() throws Exception {
        try (InternalService internal = InternalService.internal(Answer.MARKER_200)) {
            int port = internal.endpoint().getPort();
            for (String url : List.of(
                    "http://127.0.0.2:" + port,
                    "https://127.0.0.2:" + port,
                    "https://[::ffff:127.0.0.2]:" + port,
                    "https://0x7f000002:" + port,
                    "https://2130706434:" + port,
                    "https://localhost:" + port,
                    "https://169.254.169.254",
                    "https://[fd00:ec2::254]",
                    "https://metadata.google.internal")) {
                ObjectNode destination = Events.destination(server, bucket, "x");
                destination.put("endpoint_url", url);
                String transfer = invoke(transfer(Loopback.env()), transferEvent(destination));
                assertThat(transfer).as(url).contains("InvalidEventException").contains("destination.endpoint_url");
                String test = invoke(connectionTest(Loopback.env()), connectionEvent(destination));
                assertThat(Json.read(test).get("success").asBoolean()).as(url).isFalse();
                assertThat(test).as(url).doesNotContain(InternalService.MARKER);

                ObjectNode catalog = Events.destination(server, bucket, "x");
                catalog.putObject("catalog")
                        .put("type", "iceberg-rest")
                        .put("uri", url)
                        .put("namespace", "analytics");
                String probe = invoke(connectionTest(Loopback.env()), connectionEvent(catalog));
                assertThat(probe).as(url).contains("destination.catalog.uri").doesNotContain(InternalService.MARKER);
            }
            assertUntouched(internal);
        }
    }

    @Test
    void whatAForeignEndpointAnswersIsNeverRepeatedAndRedirectsAreNotFollowed() throws Exception {
        try (InternalService target = InternalService.reachable(Answer.MARKER_200);
                InternalService foreign = InternalService.reachable(Answer.MARKER_500);
                InternalService redirecting =
                        InternalService.reachable(Answer.REDIRECT).redirectingTo(target.endpoint())) {
            for (InternalService endpoint : List.of(foreign, redirecting)) {
                ObjectNode destination = Events.destination(server, bucket, "x");
                destination.put("endpoint_url", endpoint.endpoint().toString());
                String transfer = invoke(transfer(Loopback.env()), transferEvent(destination));
                assertThat(transfer).contains("errorType").doesNotContain(InternalService.MARKER);
                String test = invoke(connectionTest(Loopback.env()), connectionEvent(destination));
                assertThat(test).contains("\"success\":false").doesNotContain(InternalService.MARKER);

                ObjectNode withCatalog = Events.destination(server, bucket, "x");
                withCatalog
                        .putObject("catalog")
                        .put("type", "iceberg-rest")
                        .put("uri", endpoint.endpoint().toString())
                        .put("namespace", "analytics");
                String probe = invoke(connectionTest(Loopback.env()), connectionEvent(withCatalog));
                assertThat(probe).contains("\"catalog\"").doesNotContain(InternalService.MARKER);
                assertThat(endpoint.heads()).isNotEmpty();
                // The customer's server was asked with the destination's own keys, never the function's.
                assertThat(endpoint.heads()).noneMatch(h -> h.contains(FUNCTION_KEY_ID));
            }
            assertThat(redirecting.heads()).isNotEmpty();
            assertUntouched(target);
        }
    }

    @Test
    void stagingOutsideTheOperatorsLocationsIsRefusedBeforeAnyRequest() throws Exception {
        try (InternalService customer = InternalService.reachable(Answer.MARKER_500)) {
            Map<String, String> env = Loopback.env("S3DEST_STAGING", "s3://platform-staging/exports/");
            ObjectNode destination = Events.destination(server, bucket, "x");
            destination.put("endpoint_url", customer.endpoint().toString());
            ObjectNode staged = transferEvent(destination);
            staged.remove("rows");
            staged.putObject("source")
                    .put("format", "jsonl")
                    .putArray("uris")
                    .add("s3://platform-staging/exports/acme/part-0.jsonl")
                    .add("s3://platform-staging/exports-other-tenant/part-0.jsonl");
            assertThat(invoke(transfer(env), staged))
                    .contains("InvalidEventException")
                    .contains("source.uris[1]: s3://platform-staging/exports-other-tenant/part-0.jsonl is outside the"
                            + " staging locations this function may read (S3DEST_STAGING)");

            ObjectNode batch = Json.MAPPER.createObjectNode();
            ObjectNode t = transferEvent(destination);
            t.remove("rows");
            batch.set("transfer", t);
            batch.putObject("source")
                    .put("bucket", "platform-data")
                    .put("prefix", "secrets/")
                    .put("format", "jsonl");
            assertThat(invoke(CommitHandler.standalone(env), batch))
                    .contains("InvalidEventException")
                    .contains("source.prefix: s3://platform-data/secrets/ is outside the staging locations");
            assertUntouched(customer);

            ObjectNode test = connectionEvent(Events.destination(server, bucket, "x"));
            test.putObject("source").put("bucket", "platform-data").put("prefix", "secrets/");
            String result = invoke(connectionTest(env), test);
            assertThat(result).contains("\"read_sources\"").contains("is outside the staging locations");
        }
    }

    @Test
    void rolesOutsideTheOperatorsPatternsOrWithoutAnExternalIdAreRefusedBeforeSts() throws Exception {
        try (InternalService sts = InternalService.reachable(Answer.MARKER_500)) {
            Map<String, String> env = Loopback.env(
                    "AWS_ENDPOINT_URL_STS", sts.endpoint().toString(),
                    "S3DEST_ROLE_ARNS", "arn:aws:iam::*:role/pontoon-export-*",
                    "S3DEST_REQUIRE_EXTERNAL_ID", "true");
            ObjectNode outside = Events.destination(server, bucket, "x");
            outside.put("role_arn", "arn:aws:iam::123456789012:role/platform-admin");
            outside.put("external_id", "acme-1234");
            assertThat(invoke(transfer(env), transferEvent(outside)))
                    .contains("destination.role_arn: arn:aws:iam::123456789012:role/platform-admin is not among the"
                            + " roles this function may assume (S3DEST_ROLE_ARNS)");
            ObjectNode noExternalId = Events.destination(server, bucket, "x");
            noExternalId.put("role_arn", "arn:aws:iam::123456789012:role/pontoon-export-acme");
            assertThat(invoke(transfer(env), transferEvent(noExternalId)))
                    .contains("destination.external_id: is required with role_arn");
            String test = invoke(connectionTest(env), connectionEvent(noExternalId));
            assertThat(test).contains("\"assume_role\"").contains("destination.external_id: is required");
            assertUntouched(sts);
        }
    }

    @Test
    void aCatalogThatNeverAnswersStillGetsAConnectionTestResultWithinTheBudget() throws Exception {
        try (InternalService hanging = InternalService.reachable(Answer.HANG)) {
            Map<String, String> env = Loopback.env("S3DEST_CONNECTION_TEST_BUDGET", "3s");
            ObjectNode destination = Events.destination(server, bucket, "x");
            destination
                    .putObject("catalog")
                    .put("type", "iceberg-rest")
                    .put("uri", hanging.endpoint().toString())
                    .put("namespace", "analytics");
            long start = System.nanoTime();
            JsonNode result = Json.read(invoke(connectionTest(env), connectionEvent(destination)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isLessThan(5_000);
            assertThat(result.get("success").asBoolean()).isFalse();
            assertThat(result.toString()).contains("\"catalog\"");
            assertThat(hanging.heads()).isNotEmpty();
        }
    }
}
