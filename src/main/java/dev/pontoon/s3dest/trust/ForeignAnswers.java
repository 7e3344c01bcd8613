package dev.pontoon.s3dest.trust;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What may be repeated of an answer from an endpoint that is not AWS's (SPEC §12): its HTTP status and an error code
 * from these lists. A response body, a message or a header value never is: the host is the customer's choice, and
 * its text could be anything (an internal service's page, another tenant's data).
 */
public final class ForeignAnswers {
    private ForeignAnswers() {}

    private static final Set<String> S3_CODES = Set.of(
            "AccessDenied",
            "AllAccessDisabled",
            "AuthorizationHeaderMalformed",
            "BadDigest",
            "BucketAlreadyOwnedByYou",
            "EntityTooLarge",
            "EntityTooSmall",
            "ExpiredToken",
            "IllegalLocationConstraintException",
            "InternalError",
            "InvalidAccessKeyId",
            "InvalidArgument",
            "InvalidBucketName",
            "InvalidPart",
            "InvalidPartOrder",
            "InvalidRange",
            "InvalidRequest",
            "InvalidToken",
            "MethodNotAllowed",
            "MissingContentLength",
            "NoSuchBucket",
            "NoSuchKey",
            "NoSuchUpload",
            "NotImplemented",
            "PermanentRedirect",
            "PreconditionFailed",
            "RequestTimeTooSkewed",
            "RequestTimeout",
            "ServiceUnavailable",
            "SignatureDoesNotMatch",
            "SlowDown",
            "TokenRefreshRequired",
            "XAmzContentSHA256Mismatch");

    /** Iceberg REST error types (the {@code error.type} of its error model) that the commit tells apart. */
    private static final Set<String> ICEBERG_TYPES = Set.of(
            "AlreadyExistsException",
            "BadRequestException",
            "CommitFailedException",
            "CommitStateUnknownException",
            "ForbiddenException",
            "IllegalArgumentException",
            "NamespaceNotEmptyException",
            "NoSuchNamespaceException",
            "NoSuchTableException",
            "NoSuchViewException",
            "NotAuthorizedException",
            "ServiceFailureException",
            "ServiceUnavailableException",
            "UnprocessableEntityException",
            "ValidationException");

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

    /** The code if it is one of S3's that this project acts on, else null. */
    public static String s3Code(String code) {
        return code != null && S3_CODES.contains(code) ? code : null;
    }

    /** The type if it is one of Iceberg's REST error types, else null. */
    public static String icebergType(String type) {
        return type != null && ICEBERG_TYPES.contains(type) ? type : null;
    }

    /** A region name a foreign server names (e.g. in {@code x-amz-bucket-region}), only if it looks like one. */
    public static String region(String value) {
        return value != null && REGION.matcher(value).matches() ? value : null;
    }
}
