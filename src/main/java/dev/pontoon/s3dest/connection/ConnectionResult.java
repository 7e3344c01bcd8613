package dev.pontoon.s3dest.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The connection test's output (SPEC §5): always a normal return; {@code message} is for a person to act on.
 */
@JsonPropertyOrder({"success", "message", "checks"})
public record ConnectionResult(
        @JsonProperty("success") boolean success,
        @JsonProperty("message") String message,
        @JsonProperty("checks") List<Check> checks) {

    public ConnectionResult {
        checks = List.copyOf(checks);
    }

    /**
     * One probe step. {@code warning} marks a failed step that does not fail the test (a missing
     * s3:AbortMultipartUpload: transfers still work, but a failed one could leave parts behind).
     */
    @JsonPropertyOrder({"name", "ok", "warning", "message"})
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record Check(
            @JsonProperty("name") String name,

            @JsonProperty("ok") @JsonInclude(JsonInclude.Include.ALWAYS)
            boolean ok,

            @JsonProperty("warning") boolean warning,

            @JsonProperty("message") @JsonInclude(JsonInclude.Include.ALWAYS)
            String message) {

        static Check passed(String name, String message) {
            return new Check(name, true, false, message);
        }

        static Check failed(String name, String message) {
            return new Check(name, false, false, message);
        }

        static Check warned(String name, String message) {
            return new Check(name, false, true, message);
        }

        static Check skipped(String name) {
            return new Check(name, false, false, "skipped");
        }
    }
}
