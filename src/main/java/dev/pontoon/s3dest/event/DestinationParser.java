package dev.pontoon.s3dest.event;

import static dev.pontoon.s3dest.event.JsonFields.describe;
import static dev.pontoon.s3dest.event.JsonFields.optionalText;
import static dev.pontoon.s3dest.event.JsonFields.requireObject;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code destination} object (SPEC §4, §7, §10, §11): the customer's, so every URL, role and name is checked. */
final class DestinationParser {
    /** An AWS region name. */
    static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private DestinationParser() {}

    static final Set<String> DESTINATION_FIELDS = Set.of(
            "s3_bucket",
            "s3_prefix",
            "s3_region",
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "compression",
            "endpoint_url",
            "path_style",
            "role_arn",
            "external_id",
            "role_session_name",
            "sse",
            "kms_key_id",
            "bucket_key_enabled",
            "storage_class",
            "tags",
            "catalog",
            "catalogs");

    public static DestinationConfig destination(JsonNode node) {
        requireObject("destination", node);
        KnownFields.check(node, "destination", DESTINATION_FIELDS);
        String bucket = Names.normalizeBucket("destination.s3_bucket", optionalText(node, "destination", "s3_bucket"));
        String prefix = Names.normalizePrefix("destination.s3_prefix", optionalText(node, "destination", "s3_prefix"));
        String region = optionalText(node, "destination", "s3_region");
        String endpointText = optionalText(node, "destination", "endpoint_url");
        if (region == null && endpointText == null) {
            // Without it a bucket in another region fails late with a redirect; S3-compatible stores may not care.
            throw new InvalidEventException("destination.s3_region: is required (the bucket's region, e.g. us-east-1)");
        }
        if (region != null && !REGION.matcher(region).matches()) {
            throw new InvalidEventException(
                    "destination.s3_region: '" + region + "' is not a region name (e.g. us-east-1)");
        }
        String keyId = optionalText(node, "destination", "aws_access_key_id");
        String secret = optionalText(node, "destination", "aws_secret_access_key");
        String token = optionalText(node, "destination", "aws_session_token");
        if ((keyId == null) != (secret == null)) {
            throw new InvalidEventException(
                    keyId == null
                            ? "destination.aws_access_key_id: is required when aws_secret_access_key is given"
                            : "destination.aws_secret_access_key: is required when aws_access_key_id is given");
        }
        if (token != null && keyId == null) {
            throw new InvalidEventException(
                    "destination.aws_session_token: needs aws_access_key_id and aws_secret_access_key");
        }
        Compression compression =
                Compression.parse("destination.compression", optionalText(node, "destination", "compression"));
        JsonNode pathStyleNode = node.get("path_style");
        if (pathStyleNode != null && !pathStyleNode.isNull() && !pathStyleNode.isBoolean()) {
            throw new InvalidEventException(
                    "destination.path_style: must be true or false, got " + describe(pathStyleNode));
        }
        boolean pathStyle = pathStyleNode == null || pathStyleNode.isNull() || pathStyleNode.booleanValue();
        RoleSettings role = role(node);
        ObjectSettings objects = objectSettings(node);
        URI endpoint = endpointText == null ? null : endpoint("destination.endpoint_url", endpointText);
        return new DestinationConfig(
                bucket,
                prefix,
                region,
                keyId,
                secret,
                token,
                compression,
                endpoint,
                pathStyle,
                role,
                objects,
                catalogs(node),
                DestinationConfig.ENDPOINT_FIELD);
    }

    static final Set<String> GLUE_FIELDS = Set.of("type", "database", "table", "region");
    static final Set<String> DELTA_FIELDS = Set.of("type");
    static final Set<String> ICEBERG_FIELDS =
            Set.of("type", "uri", "warehouse", "namespace", "table", "sigv4", "signing_name", "region");
    /** Glue's rule for database and table names: lower-case letters, digits and underscores, at most 255. */
    private static final Pattern GLUE_NAME = Pattern.compile("[a-z0-9_]{1,255}");
    /** An Iceberg namespace level or table name: printable, no dot (the namespace separator), at most 255. */
    private static final Pattern ICEBERG_NAME = Pattern.compile("[^.\\p{Cntrl}]{1,255}");

    /**
     * {@code catalog} (one object) or {@code catalogs} (an array of them, at most one of each type), not both: every
     * one is updated at commit, in the order given.
     */
    private static java.util.List<CatalogSpec> catalogs(JsonNode destination) {
        JsonNode one = destination.get("catalog");
        JsonNode many = destination.get("catalogs");
        boolean hasOne = one != null && !one.isNull();
        boolean hasMany = many != null && !many.isNull();
        if (hasOne && hasMany) {
            throw new InvalidEventException("destination.catalogs: give catalog (one) or catalogs (a list), not both");
        }
        if (hasOne) {
            return java.util.List.of(catalog("destination.catalog", one));
        }
        if (!hasMany) {
            return java.util.List.of();
        }
        if (!many.isArray()) {
            throw new InvalidEventException(
                    "destination.catalogs: must be an array of catalog objects, got " + describe(many));
        }
        if (many.size() > CatalogSpec.Type.values().length) {
            throw new InvalidEventException("destination.catalogs: at most one catalog of each type ("
                    + CatalogSpec.Type.values().length + "), got " + many.size());
        }
        java.util.List<CatalogSpec> specs = new java.util.ArrayList<>();
        for (int i = 0; i < many.size(); i++) {
            String field = "destination.catalogs[" + i + "]";
            CatalogSpec spec = catalog(field, many.get(i));
            for (CatalogSpec earlier : specs) {
                if (earlier.type() == spec.type()) {
                    throw new InvalidEventException(field + ".type: '"
                            + spec.type().spelling() + "' is configured twice (one catalog of each type)");
                }
            }
            specs.add(spec);
        }
        return specs;
    }

    private static CatalogSpec catalog(String field, JsonNode node) {
        requireObject(field, node);
        String type = optionalText(node, field, "type");
        if (type == null) {
            throw new InvalidEventException(field + ".type: is required (glue, iceberg-rest or delta)");
        }
        String region = optionalText(node, field, "region");
        if (region != null && !REGION.matcher(region).matches()) {
            throw new InvalidEventException(field + ".region: '" + region + "' is not a region name");
        }
        return switch (type) {
            case "glue" -> glueCatalog(field, node, region);
            case "iceberg-rest" -> icebergCatalog(field, node, region);
            case "delta" -> {
                KnownFields.check(node, field, DELTA_FIELDS);
                yield CatalogSpec.delta(field);
            }
            default ->
                throw new InvalidEventException(
                        field + ".type: '" + type + "' is not supported (expected glue, iceberg-rest or delta)");
        };
    }

    private static CatalogSpec glueCatalog(String field, JsonNode node, String region) {
        KnownFields.check(node, field, GLUE_FIELDS);
        String database = optionalText(node, field, "database");
        if (database == null) {
            throw new InvalidEventException(field + ".database: is required");
        }
        String table = optionalText(node, field, "table");
        for (String[] name : new String[][] {{"database", database}, {"table", table}}) {
            if (name[1] != null && !GLUE_NAME.matcher(name[1]).matches()) {
                throw new InvalidEventException(field + "." + name[0] + ": '" + name[1]
                        + "' is not a Glue name (lower-case letters, digits and _)");
            }
        }
        return CatalogSpec.glue(database, table, region, field);
    }

    private static CatalogSpec icebergCatalog(String field, JsonNode node, String region) {
        if (node.has("database")) {
            throw new InvalidEventException(
                    field + ".database: unknown field for an iceberg-rest catalog; did you mean 'namespace'?");
        }
        KnownFields.check(node, field, ICEBERG_FIELDS);
        String uri = optionalText(node, field, "uri");
        if (uri == null) {
            throw new InvalidEventException(field + ".uri: is required (the REST catalog's base URI)");
        }
        try {
            java.net.URI parsed = new java.net.URI(uri);
            if (!("https".equals(parsed.getScheme()) || "http".equals(parsed.getScheme()))
                    || parsed.getHost() == null
                    || parsed.getUserInfo() != null) {
                throw new java.net.URISyntaxException(uri, "not an http(s) URL");
            }
        } catch (java.net.URISyntaxException e) {
            // The URI is echoed only when it carries no user info.
            throw new InvalidEventException(field + ".uri: must be an http(s) URL without user info");
        }
        String namespace = optionalText(node, field, "namespace");
        if (namespace == null) {
            throw new InvalidEventException(field + ".namespace: is required");
        }
        for (String level : namespace.split("\\.", -1)) {
            if (!ICEBERG_NAME.matcher(level).matches()) {
                throw new InvalidEventException(field + ".namespace: '" + namespace
                        + "' is not a namespace (levels separated by '.', none empty)");
            }
        }
        String table = optionalText(node, field, "table");
        if (table != null && !ICEBERG_NAME.matcher(table).matches()) {
            throw new InvalidEventException(
                    field + ".table: '" + table + "' is not a table name (no '.', no control characters)");
        }
        boolean sigv4 = false;
        JsonNode sigv4Node = node.get("sigv4");
        if (sigv4Node != null && !sigv4Node.isNull()) {
            if (!sigv4Node.isBoolean()) {
                throw new InvalidEventException(field + ".sigv4: must be true or false, got " + describe(sigv4Node));
            }
            sigv4 = sigv4Node.booleanValue();
        }
        String signingName = optionalText(node, field, "signing_name");
        if (signingName != null && !signingName.matches("[a-z0-9-]{1,64}")) {
            throw new InvalidEventException(
                    field + ".signing_name: '" + signingName + "' is not a service name (e.g. glue)");
        }
        return new CatalogSpec(
                CatalogSpec.Type.ICEBERG_REST,
                namespace,
                table,
                region,
                uri,
                optionalText(node, field, "warehouse"),
                sigv4,
                signingName,
                field);
    }

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final java.util.Set<String> STORAGE_CLASSES = java.util.Set.of(
            "STANDARD",
            "REDUCED_REDUNDANCY",
            "STANDARD_IA",
            "ONEZONE_IA",
            "INTELLIGENT_TIERING",
            "GLACIER",
            "DEEP_ARCHIVE",
            "GLACIER_IR",
            "EXPRESS_ONEZONE");

    static RoleSettings role(JsonNode node) {
        String arn = optionalText(node, "destination", "role_arn");
        String externalId = optionalText(node, "destination", "external_id");
        String sessionName = optionalText(node, "destination", "role_session_name");
        if (arn == null) {
            if (externalId != null || sessionName != null) {
                throw new InvalidEventException("destination.role_arn: is required when "
                        + (externalId != null ? "external_id" : "role_session_name") + " is given");
            }
            return null;
        }
        if (!ROLE_ARN.matcher(arn).matches()) {
            throw new InvalidEventException("destination.role_arn: '" + arn
                    + "' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)");
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            // Not echoed: some treat the external id as a shared secret.
            throw new InvalidEventException("destination.external_id: must be 2-1224 letters, digits or +=,.@:/-_");
        }
        if (sessionName != null && !SESSION_NAME.matcher(sessionName).matches()) {
            throw new InvalidEventException(
                    "destination.role_session_name: '" + sessionName + "' must be 2-64 letters, digits or +=,.@-_");
        }
        return new RoleSettings(arn, externalId, sessionName == null ? "pontoon-s3-destination" : sessionName);
    }

    static ObjectSettings objectSettings(JsonNode node) {
        String sse = optionalText(node, "destination", "sse");
        if (sse != null) {
            sse = switch (sse.trim()) {
                case "AES256", "aes256", "SSE-S3", "sse-s3" -> "AES256";
                case "aws:kms", "AWS:KMS", "SSE-KMS", "sse-kms" -> "aws:kms";
                default ->
                    throw new InvalidEventException("destination.sse: unknown server-side encryption '" + sse
                            + "' (expected AES256 or aws:kms)");
            };
        }
        String kmsKeyId = optionalText(node, "destination", "kms_key_id");
        if (kmsKeyId != null && !"aws:kms".equals(sse)) {
            throw new InvalidEventException(
                    "destination.kms_key_id: needs sse aws:kms (sse is " + (sse == null ? "not set" : sse) + ")");
        }
        JsonNode bucketKey = node.get("bucket_key_enabled");
        Boolean bucketKeyEnabled = null;
        if (bucketKey != null && !bucketKey.isNull()) {
            if (!bucketKey.isBoolean()) {
                throw new InvalidEventException(
                        "destination.bucket_key_enabled: must be true or false, got " + describe(bucketKey));
            }
            if (!"aws:kms".equals(sse)) {
                throw new InvalidEventException("destination.bucket_key_enabled: needs sse aws:kms");
            }
            bucketKeyEnabled = bucketKey.booleanValue();
        }
        String storageClass = optionalText(node, "destination", "storage_class");
        if (storageClass != null && !STORAGE_CLASSES.contains(storageClass)) {
            throw new InvalidEventException("destination.storage_class: unknown storage class '" + storageClass
                    + "' (expected one of " + new java.util.TreeSet<>(STORAGE_CLASSES) + ")");
        }
        java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
        JsonNode tagNode = node.get("tags");
        if (tagNode != null && !tagNode.isNull()) {
            if (!tagNode.isObject()) {
                throw new InvalidEventException(
                        "destination.tags: must be an object of string values, got " + describe(tagNode));
            }
            if (tagNode.size() > 10) {
                throw new InvalidEventException(
                        "destination.tags: S3 allows at most 10 tags per object, got " + tagNode.size());
            }
            for (var it = tagNode.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new InvalidEventException(
                            "destination.tags." + e.getKey() + ": must be a string, got " + describe(e.getValue()));
                }
                if (e.getKey().isEmpty()
                        || e.getKey().length() > 128
                        || e.getValue().textValue().length() > 256) {
                    throw new InvalidEventException(
                            "destination.tags." + e.getKey() + ": keys are 1-128 characters and values at most 256");
                }
                tags.put(e.getKey(), e.getValue().textValue());
            }
        }
        return new ObjectSettings(sse, kmsKeyId, bucketKeyEnabled, storageClass, tags);
    }

    static URI endpoint(String field, String text) {
        try {
            URI uri = new URI(text.trim());
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new InvalidEventException(field + ": must be an http:// or https:// URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidEventException(field + ": is not a URL");
        }
    }
}
