package dev.pontoon.s3dest.event;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to write: the {@code destination} object of the transfer and connection-test events.
 * Validated once, where the event enters; {@link #toString()} never shows a secret.
 *
 * @param bucket bucket name, already stripped of a literal {@code s3://}
 * @param prefix key prefix without leading or trailing slash; empty for none
 * @param region region, or null to use the function's own
 * @param endpoint S3-compatible endpoint, or null for AWS
 * @param pathStyle path-style addressing on a custom endpoint (the default there)
 * @param role a role to assume first, or null
 * @param objects encryption, storage class and tags of every object written
 * @param catalogs where a committed batch is registered, in the order given; empty for none
 * @param endpointField where {@code endpoint} came from in the event ({@code destination.endpoint_url} or a
 *     source's {@code endpoint_url}), for errors
 */
public record DestinationConfig(
        String bucket,
        String prefix,
        String region,
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        Compression compression,
        URI endpoint,
        boolean pathStyle,
        RoleSettings role,
        ObjectSettings objects,
        List<CatalogSpec> catalogs,
        String endpointField) {

    public static final String ENDPOINT_FIELD = "destination.endpoint_url";

    public DestinationConfig {
        Objects.requireNonNull(bucket, "bucket is null");
        Objects.requireNonNull(prefix, "prefix is null");
        Objects.requireNonNull(compression, "compression is null");
        Objects.requireNonNull(objects, "objects is null");
        catalogs = catalogs == null ? List.of() : List.copyOf(catalogs);
    }

    /** The configured catalog of that type, or null. */
    public CatalogSpec catalog(CatalogSpec.Type type) {
        return catalogs.stream().filter(c -> c.type() == type).findFirst().orElse(null);
    }

    /** The same destination reached at another region or endpoint (a staged source's bucket). */
    public DestinationConfig at(String otherRegion, URI otherEndpoint, String otherEndpointField) {
        return new DestinationConfig(
                bucket,
                prefix,
                otherRegion != null ? otherRegion : region,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                compression,
                otherEndpoint != null ? otherEndpoint : endpoint,
                pathStyle,
                role,
                objects,
                catalogs,
                otherEndpoint != null ? otherEndpointField : endpointField);
    }

    /** Another bucket and prefix reached with these credentials (a staging prefix), with no object settings. */
    public DestinationConfig reading(
            String otherBucket, String otherPrefix, String otherRegion, URI otherEndpoint, String otherEndpointField) {
        DestinationConfig at = at(otherRegion, otherEndpoint, otherEndpointField);
        return new DestinationConfig(
                otherBucket,
                otherPrefix,
                at.region,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                compression,
                at.endpoint,
                pathStyle,
                role,
                ObjectSettings.NONE,
                List.of(),
                at.endpointField);
    }

    public boolean hasStaticKeys() {
        return accessKeyId != null;
    }

    @Override
    public String toString() {
        return "DestinationConfig[bucket=" + bucket + ", prefix=" + prefix + ", region=" + region
                + ", accessKeyId=" + (accessKeyId == null ? null : mask(accessKeyId))
                + ", secretAccessKey=" + (secretAccessKey == null ? null : "****")
                + ", sessionToken=" + (sessionToken == null ? null : "****")
                + ", compression=" + compression + ", endpoint=" + endpoint + ", pathStyle=" + pathStyle
                + ", role=" + role + ", objects=" + objects + ", catalogs=" + catalogs + "]";
    }

    /** Key ids are not secret, but showing only the tail is enough to tell two apart. */
    private static String mask(String keyId) {
        return keyId.length() <= 4 ? "****" : "****" + keyId.substring(keyId.length() - 4);
    }
}
