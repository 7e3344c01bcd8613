package dev.pontoon.s3dest.connection;

import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3Errors;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What an S3 answer (or its absence) means for the person filling in the destination form: the refused action, the
 * grant or setting that fixes it, a wrong region or endpoint, a KMS key the role cannot use. Never the foreign
 * answer's own text (SPEC §12), never a secret.
 */
final class S3Diagnosis {
    private static final Logger LOG = Logger.getLogger(S3Diagnosis.class);
    private static final Pattern EXPECTED_REGION = Pattern.compile("expecting '([a-z0-9-]+)'");
    private final S3ClientFactory clients;

    S3Diagnosis(S3ClientFactory clients) {
        this.clients = clients;
    }

    Optional<String> attempt(Runnable call, DestinationConfig destination, String action, String key) {
        try {
            call.run();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(diagnose(e, destination, action, key));
        }
    }

    /** Turns an SDK failure into a cause a person can act on. Never includes a secret. */
    String diagnose(RuntimeException e, DestinationConfig destination, String action, String key) {
        String bucket = destination.bucket();
        if (e instanceof S3Exception s3) {
            String code = S3Errors.errorCode(s3);
            String detail = (S3Errors.errorMessage(s3) == null ? s3.getMessage() : S3Errors.errorMessage(s3));
            String region = bucketRegion(s3);
            if (code == null) {
                code = "HTTP " + s3.statusCode();
            }
            switch (code) {
                case "InvalidAccessKeyId":
                    return "The access key id " + maskedKeyId(destination)
                            + " is not known to AWS (InvalidAccessKeyId): " + "check aws_access_key_id";
                case "SignatureDoesNotMatch":
                    return "The secret access key does not match the access key id " + maskedKeyId(destination)
                            + " (SignatureDoesNotMatch): check aws_secret_access_key";
                case "NoSuchBucket":
                    return "Bucket '" + bucket + "' does not exist (NoSuchBucket): check s3_bucket";
                case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
                    return wrongRegion(destination, code, region);
                case "AccessDenied", "AllAccessDisabled":
                    if (KMS_ACTION.matcher(String.valueOf(detail)).find()) {
                        return kmsDenied(destination, detail);
                    }
                    return "Access denied for " + action + " on arn:aws:s3:::" + bucket + "/" + prefixPath(destination)
                            + "*"
                            + " (" + code + "): grant " + action.replaceAll(" .*", "") + " on that resource to "
                            + (destination.hasStaticKeys() ? "the access key's user or role" : "the function's role")
                            + tagsHint(destination, action);
                case "InvalidToken", "ExpiredToken", "TokenRefreshRequired":
                    return "The session token was refused (" + code + "): refresh aws_session_token";
                default:
                    if (s3.statusCode() == 301 || region != null && s3.statusCode() == 400) {
                        return wrongRegion(destination, code, region);
                    }
                    return "S3 refused " + action + " on s3://" + bucket + "/" + key + ": " + code
                            + (detail == null ? "" : " (" + detail + ")");
            }
        }
        if (e instanceof ApiCallTimeoutException
                || e instanceof ApiCallAttemptTimeoutException
                || S3Errors.causeOf(e, SocketTimeoutException.class) != null) {
            return "The S3 endpoint " + endpointName(destination) + " did not answer in time: check endpoint_url, "
                    + "the network path (VPC endpoint, NAT, proxy) and that the service is up";
        }
        Throwable refused = S3Errors.causeOf(e, dev.pontoon.s3dest.trust.RefusedAddressException.class);
        if (refused != null) {
            return "The S3 endpoint " + endpointName(destination) + " was not contacted: " + refused.getMessage();
        }
        if (S3Errors.causeOf(e, UnknownHostException.class) != null) {
            return "The S3 endpoint " + endpointName(destination) + " could not be resolved (unknown host): check "
                    + "endpoint_url and s3_region, and DNS from the function's network";
        }
        if (S3Errors.causeOf(e, ConnectException.class) != null
                || S3Errors.causeOf(e, NoRouteToHostException.class) != null) {
            return "The S3 endpoint " + endpointName(destination) + " is unreachable (connection refused or no route): "
                    + "check endpoint_url and the network path from the function";
        }
        if (e instanceof SdkClientException) {
            return ConnectionTester.LOST_ANSWER + endpointName(destination) + ": " + e.getMessage();
        }
        LOG.warnf("unexpected failure in the connection test: %s", e.toString());
        return "Unexpected failure: " + e.getClass().getSimpleName();
    }

    String wrongRegion(DestinationConfig destination, String code, String region) {
        String configured = clients.region(destination);
        if (region != null) {
            return "Bucket '" + destination.bucket() + "' is in region " + region + ", not " + configured + " (" + code
                    + "): set s3_region to " + region;
        }
        return "Bucket '" + destination.bucket() + "' is not in region " + configured + " (" + code
                + "): set s3_region to the bucket's region";
    }

    /** The region S3 names, from the {@code x-amz-bucket-region} header or the error message. */
    static String bucketRegion(S3Exception e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().sdkHttpResponse() != null) {
            Optional<String> header = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            if (header.isPresent()) {
                return header.get();
            }
        }
        String message = (S3Errors.errorMessage(e) == null ? e.getMessage() : S3Errors.errorMessage(e));
        if (message != null) {
            Matcher m = EXPECTED_REGION.matcher(message);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    static final Pattern KMS_ACTION = Pattern.compile("kms:[A-Za-z*]+");

    /** S3 refused because KMS refused: name the KMS action and the key, which a bucket policy cannot grant. */
    static String kmsDenied(DestinationConfig destination, String detail) {
        Matcher action = KMS_ACTION.matcher(detail);
        action.find();
        String key = destination.objects().kmsKeyId() != null
                ? destination.objects().kmsKeyId()
                : "the bucket's default KMS key";
        return "Access denied by KMS for " + action.group() + " on " + key
                + " (AccessDenied): grant kms:GenerateDataKey "
                + "and kms:Decrypt on that key (writes with SSE-KMS need the first, multipart uploads both) to "
                + (destination.hasStaticKeys() ? "the access key's user or role" : "the function's role");
    }

    static String tagsHint(DestinationConfig destination, String action) {
        return !destination.objects().tags().isEmpty() && action.startsWith("s3:PutObject")
                ? " (objects are tagged: that also needs s3:PutObjectTagging)"
                : "";
    }

    String endpointName(DestinationConfig destination) {
        var endpoint = clients.endpoint(destination);
        return endpoint != null ? endpoint.toString() : "s3." + clients.region(destination) + ".amazonaws.com";
    }

    static String maskedKeyId(DestinationConfig destination) {
        String id = destination.accessKeyId();
        if (id == null) {
            return "of the function's role";
        }
        return id.length() <= 4 ? "****" : "****" + id.substring(id.length() - 4);
    }

    static String prefixPath(DestinationConfig destination) {
        return destination.prefix().isEmpty() ? "" : destination.prefix() + "/";
    }
}
