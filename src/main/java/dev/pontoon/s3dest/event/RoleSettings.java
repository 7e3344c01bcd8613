package dev.pontoon.s3dest.event;

/**
 * A role to assume (STS) before writing, for cross-account "drop zone" buckets. The base credentials are the
 * destination's static keys, else the function's role. {@link #toString()} hides the external id.
 */
public record RoleSettings(String roleArn, String externalId, String sessionName) {
    @Override
    public String toString() {
        return "RoleSettings[roleArn=" + roleArn + ", externalId=" + (externalId == null ? null : "****")
                + ", sessionName=" + sessionName + "]";
    }
}
