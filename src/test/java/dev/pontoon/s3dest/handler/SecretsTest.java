package dev.pontoon.s3dest.handler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.TransferEvent;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.LogCapture;
import dev.pontoon.s3dest.testing.S3TestServer;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A recognisable secret key and session token go through the main paths — success, S3 errors, bad input — and
 * appear in no log line, result, error text or {@code toString}. (The connection test's paths are checked in
 * ConnectionTestHandlerTest.)
 */
@QuarkusTest
class SecretsTest {
    private static final String TOKEN = "TOKEN-s3dest-recognisable-7c1d2e3f";
    private final S3TestServer server = S3TestServer.shared();

    @Test
    void noSecretInLogsResultsErrorsOrToString() {
        String bucket = "sec-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        List<String> outputs = new ArrayList<>();
        try (LogCapture logs = LogCapture.install()) {
            // success (s3proxy refuses session tokens, so this one has none)
            ObjectNode ok = event(bucket, S3TestServer.SECRET_KEY);
            ((ObjectNode) ok.get("destination")).remove("aws_session_token");
            outputs.add(post(ok, 200));
            // S3 refuses the session token (s3proxy: NotImplemented)
            outputs.add(post(event(bucket, S3TestServer.SECRET_KEY), 500));
            // S3 refuses: a secret that does not match (heard as such, not as a broken pipe)
            ObjectNode wrongSecret = event(bucket, "wrong-" + S3TestServer.SECRET_KEY);
            ((ObjectNode) wrongSecret.get("destination")).remove("aws_session_token");
            String refused = post(wrongSecret, 500);
            assertThat(refused).contains("S3PermanentException", "SignatureDoesNotMatch");
            outputs.add(refused);
            // no such bucket
            ObjectNode missing = event("missing-" + bucket, S3TestServer.SECRET_KEY);
            ((ObjectNode) missing.get("destination")).remove("aws_session_token");
            String noBucket = post(missing, 500);
            assertThat(noBucket).contains("NoSuchBucket");
            outputs.add(noBucket);
            // bad input, with the secrets present in the event
            ObjectNode bad = event(bucket, S3TestServer.SECRET_KEY);
            ((ArrayNode) bad.get("rows")).addObject().put("id", "not a number");
            outputs.add(post(bad, 500));
            // a secret of the wrong type is not echoed
            ObjectNode wrongType = event(bucket, S3TestServer.SECRET_KEY);
            ((ObjectNode) wrongType.get("destination")).put("aws_session_token", 987654321987L);
            outputs.add(post(wrongType, 500));
            assertThat(outputs.get(5))
                    .contains("destination.aws_session_token: must be a string, got a number")
                    .doesNotContain("987654321987");

            TransferEvent parsed = EventParser.transferEvent(event(bucket, S3TestServer.SECRET_KEY));
            outputs.add(parsed.toString());
            outputs.add(parsed.destination().toString());

            assertThat(logs.all()).contains("transfer test-transfer of model secrets"); // the capture works
            outputs.add(logs.all());
        }
        for (String out : outputs) {
            assertThat(out).doesNotContain(S3TestServer.SECRET_KEY).doesNotContain(TOKEN);
        }
    }

    private ObjectNode event(String bucket, String secret) {
        ObjectNode dest = Events.destination(server, bucket, "s");
        dest.put("aws_secret_access_key", secret);
        dest.put("aws_session_token", TOKEN);
        ObjectNode event = Events.transfer(dest, "secrets", "2025-09-25T13:22:33.123Z", "b", "id:bigint!");
        ((ArrayNode) event.get("rows")).addObject().put("id", 1);
        return event;
    }

    private static String post(ObjectNode event, int status) {
        return given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(status)
                .extract()
                .asString();
    }
}
