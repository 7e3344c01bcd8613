package dev.pontoon.s3dest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.core.exception.SdkClientException;

/** How SDK failures are classified: what a state machine's Retry may retry. */
class S3ErrorsTest {
    @Test
    void noCredentialsIsNotRetryable() {
        // The failure the SDK's own chain raises when no provider has credentials.
        SdkClientException missing;
        try (AwsCredentialsProviderChain chain = AwsCredentialsProviderChain.builder()
                .credentialsProviders((software.amazon.awssdk.auth.credentials.AwsCredentialsProvider) () -> {
                    throw SdkClientException.create("no keys here");
                })
                .build()) {
            missing =
                    org.junit.jupiter.api.Assertions.assertThrows(SdkClientException.class, chain::resolveCredentials);
        }
        RuntimeException mapped = S3Errors.map(missing, "PutObject", "b", "k");
        assertThat(mapped).isInstanceOf(S3PermanentException.class);
        assertThat(mapped.getMessage())
                .isEqualTo("PutObject on s3://b/k failed: no usable credentials (the destination has no"
                        + " aws_access_key_id and the function's own credentials could not be loaded)");
        assertThat(S3Errors.map(SdkClientException.create("Connection reset"), "PutObject", "b", "k"))
                .isInstanceOf(S3TransientException.class);
    }
}
