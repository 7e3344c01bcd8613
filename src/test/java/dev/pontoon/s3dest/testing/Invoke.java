package dev.pontoon.s3dest.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pontoon.s3dest.event.Json;

/** An event through the real handler (Quarkus's mock event server), as a {@code @QuarkusTest} sends it. */
public final class Invoke {
    private Invoke() {}

    /** The handler's result of an event that must succeed. */
    public static JsonNode ok(JsonNode event) {
        return Json.read(given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /** The {@code errorMessage} of an event that must fail. */
    public static String failing(JsonNode event) {
        return given().contentType("application/json")
                .body(event.toString())
                .when()
                .post()
                .then()
                .statusCode(500)
                .extract()
                .jsonPath()
                .getString("errorMessage");
    }
}
