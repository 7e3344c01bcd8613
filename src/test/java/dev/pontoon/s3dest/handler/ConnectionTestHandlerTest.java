package dev.pontoon.s3dest.handler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.testing.CannedS3;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.LogCapture;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.S3TestServer.Faults;
import dev.pontoon.s3dest.testing.S3TestServer.Op;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The connection-test function through the mock Lambda event server: each diagnosis from a real condition. */
@QuarkusTest
@TestProfile(ConnectionTestHandlerTest.ConnectionTestProfile.class)
class ConnectionTestHandlerTest {
    public static class ConnectionTestProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.handler", "connection-test");
        }
    }

    private final S3TestServer server = S3TestServer.shared();
    private String bucket;
    private LogCapture logs;

    @BeforeEach
    void setUp() {
        bucket = "ct-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        logs = LogCapture.install();
    }

    @AfterEach
    void tearDown() {
        server.faults().clear();
        logs.close();
        // Whatever happened, the secret is nowhere in the logs.
        assertThat(logs.all()).doesNotContain(S3TestServer.SECRET_KEY);
    }

    @Test
    void aWorkingDestinationPassesAndLeavesNoProbe() {
        JsonNode result = test(destination("exports"));
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("message").asText())
                .isEqualTo("Connected: the function can write to s3://" + bucket + "/exports/");
        assertThat(result.get("checks"))
                .extracting(c -> c.get("name").asText() + "=" + c.get("ok").asBoolean())
                .containsExactly(
                        "put_object=true",
                        "delete_object=true",
                        "multipart_upload=true",
                        "abort_multipart_upload=true");
        assertThat(result.at("/checks/0/message").asText())
                .startsWith("wrote s3://" + bucket + "/exports/_pontoon_connection_test_");
        try (S3Client s3 = server.client()) {
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
        }
        assertThat(result.toString()).doesNotContain(S3TestServer.SECRET_KEY);
        // The capture works: the function's own summary line is in it.
        assertThat(logs.all()).contains("connection test: ok");
    }

    @Test
    void anUnknownAccessKeyAndAWrongSecretAreTwoDifferentMessages() {
        ObjectNode unknownKey = destination(null);
        unknownKey.put("aws_access_key_id", "AKIAUNKNOWNKEY000042");
        JsonNode r1 = test(unknownKey);
        assertThat(r1.get("success").asBoolean()).isFalse();
        assertThat(r1.get("message").asText())
                .isEqualTo(
                        "The access key id ****0042 is not known to AWS (InvalidAccessKeyId): check aws_access_key_id");

        ObjectNode wrongSecret = destination(null);
        wrongSecret.put("aws_secret_access_key", "wrong-" + S3TestServer.SECRET_KEY);
        JsonNode r2 = test(wrongSecret);
        assertThat(r2.get("message").asText())
                .isEqualTo("The secret access key does not match the access key id "
                        + "****Y001 (SignatureDoesNotMatch): check aws_secret_access_key");
        assertThat(r2.toString()).doesNotContain(S3TestServer.SECRET_KEY);
        assertThat(r2.get("checks")).extracting(c -> c.get("message").asText()).endsWith("skipped", "skipped");
    }

    @Test
    void aMissingBucketIsNamed() {
        ObjectNode dest = destination(null);
        dest.put("s3_bucket", "no-such-bucket-" + bucket);
        assertThat(test(dest).get("message").asText())
                .isEqualTo("Bucket 'no-such-bucket-" + bucket + "' does not exist (NoSuchBucket): check s3_bucket");
    }

    @Test
    void aBucketInAnotherRegionNamesTheRightRegion() throws Exception {
        try (CannedS3 redirect = CannedS3.error(
                301,
                Map.of("x-amz-bucket-region", "eu-west-1"),
                "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified endpoint.",
                "<Endpoint>" + bucket + ".s3.eu-west-1.amazonaws.com</Endpoint><Bucket>" + bucket + "</Bucket>")) {
            ObjectNode dest = destination(null);
            dest.put("endpoint_url", redirect.endpoint().toString());
            assertThat(test(dest).get("message").asText())
                    .isEqualTo(
                            "Bucket '" + bucket
                                    + "' is in region eu-west-1, not us-east-1 (PermanentRedirect): set s3_region to eu-west-1");
        }
        try (CannedS3 malformed = CannedS3.error(
                400,
                Map.of(),
                "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-2'",
                "<Region>ap-southeast-2</Region>")) {
            ObjectNode dest = destination(null);
            dest.put("endpoint_url", malformed.endpoint().toString());
            // The region is only in the message text, which an endpoint that is not AWS's never gets repeated
            // (SPEC §12); the header above is, when it holds a region name.
            assertThat(test(dest).get("message").asText())
                    .isEqualTo("Bucket '" + bucket
                            + "' is not in region us-east-1 (AuthorizationHeaderMalformed): set s3_region to the"
                            + " bucket's region");
        }
    }

    @Test
    void accessDeniedOnPutNamesTheActionAndResource() {
        server.faults().inject(Op.PUT_OBJECT, 0, 10, () -> Faults.s3Error(403, "AccessDenied", "Access Denied"));
        JsonNode result = test(destination("/exports/"));
        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("message").asText())
                .isEqualTo(
                        "Access denied for s3:PutObject on arn:aws:s3:::" + bucket
                                + "/exports/* (AccessDenied): grant s3:PutObject on that resource to the access key's user or role");
        assertThat(result.at("/checks/1").toString()).contains("\"delete_object\"", "\"skipped\"");
    }

    @Test
    void accessDeniedOnDeleteGivesTheKeyOfTheProbeLeftBehind() {
        server.faults().inject(Op.DELETE_OBJECT, 0, 10, () -> Faults.s3Error(403, "AccessDenied", "Access Denied"));
        JsonNode result = test(destination("exports"));
        assertThat(result.get("success").asBoolean()).isFalse();
        List<String> keys;
        try (S3Client s3 = server.client()) {
            keys = s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        }
        assertThat(keys).hasSize(1);
        assertThat(result.get("message").asText())
                .isEqualTo("Access denied for s3:DeleteObject on arn:aws:s3:::" + bucket
                        + "/exports/* (AccessDenied): grant s3:DeleteObject on that resource to the access key's user or role; "
                        + "the probe object s3://" + bucket + "/" + keys.get(0)
                        + " was left behind: delete it by hand");
    }

    @Test
    void aMissingAbortPermissionIsAWarningNotAFailure() {
        server.faults().inject(Op.ABORT_MULTIPART, 0, 10, () -> Faults.s3Error(403, "AccessDenied", "Access Denied"));
        JsonNode result = test(destination("exports"));
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("message").asText())
                .contains("with a warning: Access denied for s3:AbortMultipartUpload");
        JsonNode check = result.at("/checks/3");
        assertThat(check.get("ok").asBoolean()).isFalse();
        assertThat(check.get("warning").asBoolean()).isTrue();
        assertThat(check.get("message").asText()).contains("AbortIncompleteMultipartUpload lifecycle rule");
    }

    @Test
    void anUnreachableEndpointIsReportedAtOnce() throws Exception {
        ObjectNode dest = destination(null);
        String endpoint = CannedS3.closedPort().toString();
        dest.put("endpoint_url", endpoint);
        JsonNode result = test(dest);
        assertThat(result.get("message").asText())
                .isEqualTo(
                        "The S3 endpoint " + endpoint
                                + " is unreachable (connection refused or no route): check endpoint_url and the network path from the function");
    }

    @Test
    void anEndpointThatDoesNotAnswerIsReportedWithinSecondsNotTheSdkDefaults() throws Exception {
        try (CannedS3 silent = CannedS3.silent()) {
            ObjectNode dest = destination(null);
            dest.put("endpoint_url", silent.endpoint().toString());
            long start = System.nanoTime();
            JsonNode result = test(dest);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(result.get("message").asText())
                    .startsWith("The S3 endpoint " + silent.endpoint() + " did not answer in time");
            // The SDK's defaults (30 s socket timeout, 3 tries) would take well over a minute.
            assertThat(seconds).isLessThan(20);
        }
    }

    @Test
    void anInvalidConfigNamesTheFieldAndSendsNoRequest() throws Exception {
        try (CannedS3 recorder = CannedS3.error(500, Map.of(), "InternalError", "should not be called", "")) {
            for (Map.Entry<String, String> bad : Map.of(
                            "s3_bucket", "destination.s3_bucket: is required",
                            "s3_region", "destination.s3_region: is required (the bucket's region, e.g. us-east-1)")
                    .entrySet()) {
                ObjectNode dest = destination(null);
                dest.remove(bad.getKey());
                dest.remove("endpoint_url");
                JsonNode result = test(dest);
                assertThat(result.get("success").asBoolean()).isFalse();
                assertThat(result.get("message").asText()).isEqualTo("Invalid destination config: " + bad.getValue());
            }
            ObjectNode badBucket = destination(null);
            badBucket.put("s3_bucket", "Bad_Bucket");
            badBucket.put("endpoint_url", recorder.endpoint().toString());
            assertThat(test(badBucket).get("message").asText())
                    .startsWith("Invalid destination config: destination.s3_bucket: 'Bad_Bucket'");
            ObjectNode badPrefix = destination("a/../b");
            badPrefix.put("endpoint_url", recorder.endpoint().toString());
            assertThat(test(badPrefix).get("message").asText())
                    .startsWith("Invalid destination config: destination.s3_prefix:");
            assertThat(recorder.requests()).isZero();
        }
        JsonNode noDestination = Json.read(given().contentType("application/json")
                .body("{}")
                .when()
                .post()
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertThat(noDestination.get("message").asText())
                .isEqualTo("Invalid destination config: destination: must be a JSON object, got nothing");
    }

    @Test
    void aMisspeltFieldIsNamedWithWhatItProbablyMeant() {
        ObjectNode dest = destination(null);
        dest.put("s3_regoin", "us-east-1");
        JsonNode result = test(dest);
        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("message").asText())
                .isEqualTo(
                        "Invalid destination config: destination.s3_regoin: unknown field; did you mean 's3_region'?");
    }

    @Test
    void aDeltaCatalogIsProbedForConditionalWritesOffAwsAndLeavesNoProbe() {
        ObjectNode destination = destination("exports");
        destination.putArray("catalogs").addObject().put("type", "delta");
        JsonNode result = test(destination);
        assertThat(result.get("success").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.at("/checks/4/name").asText()).isEqualTo("catalog");
        assertThat(result.at("/checks/4/message").asText())
                .isEqualTo("Delta: each model's table will be s3://" + bucket + "/exports/<model>/ (its log in"
                        + " _delta_log/ there); the store honours conditional writes");
        try (S3Client s3 = server.client()) {
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
        }
    }

    @Test
    void aStoreWithoutConditionalWritesFailsTheDeltaCheck() {
        server.faults().ignoreIfNoneMatch();
        ObjectNode destination = destination("exports");
        destination.putObject("catalog").put("type", "delta");
        JsonNode result = test(destination);
        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("message").asText())
                .startsWith("Delta: the store at destination.endpoint_url replaced an object it was asked to create"
                        + " only if absent");
        try (S3Client s3 = server.client()) {
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
        }
    }

    private ObjectNode destination(String prefix) {
        return Events.destination(server, bucket, prefix);
    }

    private JsonNode test(ObjectNode destination) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.set("destination", destination);
        String body = given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body).doesNotContain(S3TestServer.SECRET_KEY);
        return Json.read(body);
    }
}
