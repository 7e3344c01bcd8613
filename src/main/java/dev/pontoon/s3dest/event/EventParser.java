package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON of a transfer or connection-test event into validated records. This is the edge: every check of
 * the event happens here, once, and each failure is one {@link InvalidEventException} naming the field.
 */
public final class EventParser {
    /** Names reserved for the columns every file gets (SPEC §3). */
    public static final String BATCH_ID_COLUMN = "pontoon__batch_id";

    public static final String SYNCED_AT_COLUMN = "pontoon__last_synced_at";
    /**
     * The widest model (declared or inferred): what a transfer of that many columns was tested to write in a
     * 256 MiB heap (WideModelTest); beyond it a model is refused before anything is read.
     */
    public static final int MAX_COLUMNS = 10_000;

    /** The layout's partition key (SPEC §2): no model column may be named like it. */
    public static final String PARTITION_COLUMN = "dt";

    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    static final Set<String> EVENT_FIELDS = Set.of(
            "transfer_id",
            "batch_id",
            "transfer_started_at",
            "file_index_start",
            "destination",
            "model",
            "rows",
            "source",
            "commit");
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
            "catalog");
    static final Set<String> MODEL_FIELDS = Set.of("name", "columns", "primary_key");
    static final Set<String> COLUMN_FIELDS = Set.of("name", "type", "nullable");
    static final Set<String> SOURCE_FIELDS =
            Set.of("uris", "format", "compression", "s3_region", "endpoint_url", "missing_columns", "unknown_fields");
    static final Set<String> CONNECTION_TEST_FIELDS = Set.of("destination", "source");

    private EventParser() {}

    public static TransferEvent transferEvent(JsonNode root) {
        requireObject("event", root);
        KnownFields.check(root, "", EVENT_FIELDS);
        Instant startedAt = instant("transfer_started_at", required(root, "transfer_started_at"));
        String batchId = batchId(root, startedAt);
        int fileIndexStart = 0;
        JsonNode fis = root.get("file_index_start");
        if (fis != null && !fis.isNull()) {
            if (!fis.canConvertToInt() || !fis.isIntegralNumber() || fis.intValue() < 0) {
                throw new InvalidEventException(
                        "file_index_start: must be a non-negative integer, got " + describe(fis));
            }
            fileIndexStart = fis.intValue();
        }
        boolean commit = false;
        JsonNode commitNode = root.get("commit");
        if (commitNode != null && !commitNode.isNull()) {
            if (!commitNode.isBoolean()) {
                throw new InvalidEventException("commit: must be true or false, got " + describe(commitNode));
            }
            commit = commitNode.booleanValue();
        }
        DestinationConfig destination = destination(required(root, "destination"));
        ModelSpec model = model(required(root, "model"));

        JsonNode rows = root.get("rows");
        JsonNode source = root.get("source");
        boolean hasRows = rows != null && !rows.isNull();
        boolean hasSource = source != null && !source.isNull();
        if (hasRows == hasSource) {
            throw new InvalidEventException(
                    "rows/source: exactly one of 'rows' (inline) and 'source' (staged files) must be given");
        }
        ArrayNode rowArray = null;
        SourceSpec sourceSpec = null;
        if (hasRows) {
            if (!rows.isArray()) {
                throw new InvalidEventException("rows: must be an array of objects, got " + describe(rows));
            }
            rowArray = (ArrayNode) rows;
            if (model.columns().isEmpty() && rowArray.isEmpty()) {
                throw new InvalidEventException("model.columns: no columns declared and no rows to infer them from");
            }
        } else {
            sourceSpec = source(source);
            if (model.columns().isEmpty()) {
                throw new InvalidEventException("model.columns: must be declared for a 'source' transfer");
            }
        }
        return new TransferEvent(
                optionalScalar(root, "transfer_id"),
                batchId,
                startedAt,
                fileIndexStart,
                destination,
                model,
                rowArray,
                sourceSpec,
                Integer.MAX_VALUE,
                commit);
    }

    private static String batchId(JsonNode root, Instant startedAt) {
        String batchId = optionalScalar(root, "batch_id");
        return batchId == null ? Names.defaultBatchId(startedAt) : Names.checkBatchId("batch_id", batchId);
    }

    static final Set<String> BATCH_FIELDS = Set.of("transfer", "source");
    static final Set<String> BATCH_TRANSFER_FIELDS =
            Set.of("transfer_id", "batch_id", "transfer_started_at", "destination", "model");
    static final Set<String> CHUNK_FIELDS = Set.of("Items", "BatchInput");
    static final Set<String> CHUNK_ITEM_FIELDS = Set.of("key", "index");
    /**
     * File indexes each staged object of a batch owns: the chunk that reads objects {@code i..j} of the listing
     * writes files {@code i * FILES_PER_SOURCE} up to {@code (j + 1) * FILES_PER_SOURCE}, so chunks never collide
     * and a re-run writes the same keys (SPEC §10). At the default 128 MiB files that is 128 GB of Parquet per object.
     */
    public static final int FILES_PER_SOURCE = 1000;

    /** The state machine's execution input, which is also the commit's (SPEC §10). */
    public static BatchEvent batch(JsonNode root) {
        return batch(root, "");
    }

    private static BatchEvent batch(JsonNode root, String path) {
        requireObject(path.isEmpty() ? "event" : path, root);
        KnownFields.check(root, path, BATCH_FIELDS);
        JsonNode transfer = root.get("transfer");
        String at = (path.isEmpty() ? "" : path + ".") + "transfer";
        requireObject(at, transfer);
        try {
            KnownFields.check(transfer, "", BATCH_TRANSFER_FIELDS);
            Instant startedAt = instant("transfer_started_at", required(transfer, "transfer_started_at"));
            String batchId = batchId(transfer, startedAt);
            DestinationConfig destination = destination(required(transfer, "destination"));
            ModelSpec model = model(required(transfer, "model"));
            if (model.columns().isEmpty()) {
                throw new InvalidEventException("model.columns: must be declared for a batch of staged files");
            }
            StagingPrefix staging =
                    stagingPrefix((path.isEmpty() ? "" : path + ".") + "source", root.get("source"), true);
            return new BatchEvent(
                    optionalScalar(transfer, "transfer_id"), batchId, startedAt, destination, model, staging);
        } catch (InvalidEventException e) {
            if (e.getMessage().startsWith((path.isEmpty() ? "" : path + ".") + "source")) {
                throw e;
            }
            throw new InvalidEventException(at + "." + e.getMessage());
        }
    }

    /**
     * One chunk of a batch as the Distributed Map hands it to a child execution: the items its ItemBatcher grouped
     * ({@code {"key", "index"}}: the object and its position in the listing) and the batch input.
     */
    public static TransferEvent chunk(JsonNode root) {
        requireObject("event", root);
        KnownFields.check(root, "", CHUNK_FIELDS);
        BatchEvent batch = batch(root.get("BatchInput"), "BatchInput");
        JsonNode items = root.get("Items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw new InvalidEventException("Items: must be a non-empty array of {\"key\", \"index\"} objects");
        }
        List<String> keys = new ArrayList<>();
        int first = -1;
        for (int i = 0; i < items.size(); i++) {
            String field = "Items[" + i + "]";
            JsonNode item = items.get(i);
            requireObject(field, item);
            KnownFields.check(item, field, CHUNK_ITEM_FIELDS);
            JsonNode key = item.get("key");
            JsonNode index = item.get("index");
            if (key == null || !key.isTextual() || key.textValue().isEmpty()) {
                throw new InvalidEventException(field + ".key: must be the object's key, got " + describe(key));
            }
            if (index == null
                    || !index.canConvertToInt()
                    || !index.isIntegralNumber()
                    || index.intValue() < 0
                    || index.intValue() >= Integer.MAX_VALUE / FILES_PER_SOURCE - 1) {
                throw new InvalidEventException(
                        field + ".index: must be the object's position in the listing, got " + describe(index));
            }
            if (i == 0) {
                first = index.intValue();
            } else if (index.intValue() != first + i) {
                // The batcher hands out consecutive positions; anything else would break the index arithmetic.
                throw new InvalidEventException(field + ".index: " + index.intValue() + " does not follow "
                        + (first + i - 1) + ": a chunk's objects must be consecutive in the listing");
            }
            if (!key.textValue().startsWith(batch.staging().prefix())) {
                throw new InvalidEventException(field + ".key: '" + key.textValue()
                        + "' is not under the source prefix '" + batch.staging().prefix() + "'");
            }
            keys.add(key.textValue());
        }
        int start = first * FILES_PER_SOURCE;
        return new TransferEvent(
                batch.transferId(),
                batch.batchId(),
                batch.transferStartedAt(),
                start,
                batch.destination(),
                batch.model(),
                null,
                batch.staging().sourceOf(keys),
                start + keys.size() * FILES_PER_SOURCE,
                false);
    }

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
                catalog(node.get("catalog")),
                DestinationConfig.ENDPOINT_FIELD);
    }

    static final Set<String> GLUE_FIELDS = Set.of("type", "database", "table", "region");
    static final Set<String> ICEBERG_FIELDS =
            Set.of("type", "uri", "warehouse", "namespace", "table", "sigv4", "signing_name", "region");
    /** Glue's rule for database and table names: lower-case letters, digits and underscores, at most 255. */
    private static final Pattern GLUE_NAME = Pattern.compile("[a-z0-9_]{1,255}");
    /** An Iceberg namespace level or table name: printable, no dot (the namespace separator), at most 255. */
    private static final Pattern ICEBERG_NAME = Pattern.compile("[^.\\p{Cntrl}]{1,255}");

    static CatalogSpec catalog(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject("destination.catalog", node);
        String type = optionalText(node, "destination.catalog", "type");
        if (type == null) {
            throw new InvalidEventException("destination.catalog.type: is required (glue or iceberg-rest)");
        }
        String region = optionalText(node, "destination.catalog", "region");
        if (region != null && !REGION.matcher(region).matches()) {
            throw new InvalidEventException("destination.catalog.region: '" + region + "' is not a region name");
        }
        return switch (type) {
            case "glue" -> glueCatalog(node, region);
            case "iceberg-rest" -> icebergCatalog(node, region);
            default ->
                throw new InvalidEventException(
                        "destination.catalog.type: '" + type + "' is not supported (expected glue or iceberg-rest)");
        };
    }

    private static CatalogSpec glueCatalog(JsonNode node, String region) {
        KnownFields.check(node, "destination.catalog", GLUE_FIELDS);
        String database = optionalText(node, "destination.catalog", "database");
        if (database == null) {
            throw new InvalidEventException("destination.catalog.database: is required");
        }
        String table = optionalText(node, "destination.catalog", "table");
        for (String[] name : new String[][] {{"database", database}, {"table", table}}) {
            if (name[1] != null && !GLUE_NAME.matcher(name[1]).matches()) {
                throw new InvalidEventException("destination.catalog." + name[0] + ": '" + name[1]
                        + "' is not a Glue name (lower-case letters, digits and _)");
            }
        }
        return CatalogSpec.glue(database, table, region);
    }

    private static CatalogSpec icebergCatalog(JsonNode node, String region) {
        if (node.has("database")) {
            throw new InvalidEventException(
                    "destination.catalog.database: unknown field for an iceberg-rest catalog; did you mean 'namespace'?");
        }
        KnownFields.check(node, "destination.catalog", ICEBERG_FIELDS);
        String uri = optionalText(node, "destination.catalog", "uri");
        if (uri == null) {
            throw new InvalidEventException("destination.catalog.uri: is required (the REST catalog's base URI)");
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
            throw new InvalidEventException("destination.catalog.uri: must be an http(s) URL without user info");
        }
        String namespace = optionalText(node, "destination.catalog", "namespace");
        if (namespace == null) {
            throw new InvalidEventException("destination.catalog.namespace: is required");
        }
        for (String level : namespace.split("\\.", -1)) {
            if (!ICEBERG_NAME.matcher(level).matches()) {
                throw new InvalidEventException("destination.catalog.namespace: '" + namespace
                        + "' is not a namespace (levels separated by '.', none empty)");
            }
        }
        String table = optionalText(node, "destination.catalog", "table");
        if (table != null && !ICEBERG_NAME.matcher(table).matches()) {
            throw new InvalidEventException(
                    "destination.catalog.table: '" + table + "' is not a table name (no '.', no control characters)");
        }
        boolean sigv4 = false;
        JsonNode sigv4Node = node.get("sigv4");
        if (sigv4Node != null && !sigv4Node.isNull()) {
            if (!sigv4Node.isBoolean()) {
                throw new InvalidEventException(
                        "destination.catalog.sigv4: must be true or false, got " + describe(sigv4Node));
            }
            sigv4 = sigv4Node.booleanValue();
        }
        String signingName = optionalText(node, "destination.catalog", "signing_name");
        if (signingName != null && !signingName.matches("[a-z0-9-]{1,64}")) {
            throw new InvalidEventException(
                    "destination.catalog.signing_name: '" + signingName + "' is not a service name (e.g. glue)");
        }
        return new CatalogSpec(
                CatalogSpec.Type.ICEBERG_REST,
                namespace,
                table,
                region,
                uri,
                optionalText(node, "destination.catalog", "warehouse"),
                sigv4,
                signingName);
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

    static ModelSpec model(JsonNode node) {
        requireObject("model", node);
        KnownFields.check(node, "model", MODEL_FIELDS);
        JsonNode nameNode = node.get("name");
        if (nameNode != null && nameNode.isTextual() && nameNode.textValue().isBlank()) {
            throw new InvalidEventException("model.name: must not be empty (it is the model's folder in the key)");
        }
        String name = Names.checkModelName("model.name", optionalText(node, "model", "name"));
        List<ColumnSpec> columns = new ArrayList<>();
        JsonNode cols = node.get("columns");
        if (cols != null && !cols.isNull()) {
            if (!cols.isArray()) {
                throw new InvalidEventException("model.columns: must be an array, got " + describe(cols));
            }
            if (cols.size() > MAX_COLUMNS) {
                throw new InvalidEventException(
                        "model.columns: " + cols.size() + " columns; a model may have at most " + MAX_COLUMNS);
            }
            // Glue, Athena and Hive compare names case-insensitively: "Status" and "status" are one column there.
            java.util.Map<String, String> seen = new java.util.HashMap<>();
            for (int i = 0; i < cols.size(); i++) {
                String field = "model.columns[" + i + "]";
                JsonNode col = cols.get(i);
                requireObject(field, col);
                KnownFields.check(col, field, COLUMN_FIELDS);
                String colName = optionalText(col, field, "name");
                if (colName == null || colName.isEmpty()) {
                    throw new InvalidEventException(field + ".name: is required");
                }
                String folded = colName.toLowerCase(java.util.Locale.ROOT);
                if (folded.equals(BATCH_ID_COLUMN) || folded.equals(SYNCED_AT_COLUMN)) {
                    throw new InvalidEventException(
                            field + ".name: '" + colName + "' is reserved for the column every file gets");
                }
                if (folded.equals(PARTITION_COLUMN)) {
                    // Every Hive reader shows the partition key in its place, and Glue refuses the table.
                    throw new InvalidEventException(field + ".name: '" + colName + "' is reserved: it is the partition"
                            + " key of the layout (dt=yyyy-MM-dd), which readers would show instead of the column");
                }
                String earlier = seen.putIfAbsent(folded, colName);
                if (earlier != null) {
                    throw new InvalidEventException(field + ".name: duplicate column name '" + colName + "'"
                            + (earlier.equals(colName)
                                    ? ""
                                    : " (as '" + earlier + "': names are compared ignoring case)"));
                }
                for (int c = 0; c < colName.length(); c++) {
                    if (Names.isInvisible(colName.charAt(c))) {
                        throw new InvalidEventException(
                                field + ".name: contains a control or invisible format character");
                    }
                }
                String typeText = optionalText(col, field, "type");
                if (typeText == null) {
                    throw new InvalidEventException(field + ".type: is required (column '" + colName + "')");
                }
                ColumnType type;
                try {
                    type = ColumnType.parse(field + ".type", typeText);
                } catch (InvalidEventException e) {
                    throw new InvalidEventException(e.getMessage() + " (column '" + colName + "')");
                }
                JsonNode nullable = col.get("nullable");
                if (nullable != null && !nullable.isNull() && !nullable.isBoolean()) {
                    throw new InvalidEventException(
                            field + ".nullable: must be true or false, got " + describe(nullable));
                }
                columns.add(new ColumnSpec(
                        colName, type, nullable == null || nullable.isNull() || nullable.booleanValue()));
            }
        }
        String primaryKey = optionalText(node, "model", "primary_key");
        return new ModelSpec(name, columns, primaryKey);
    }

    static SourceSpec source(JsonNode node) {
        requireObject("source", node);
        KnownFields.check(node, "source", SOURCE_FIELDS);
        JsonNode uris = node.get("uris");
        if (uris == null || !uris.isArray() || uris.isEmpty()) {
            throw new InvalidEventException("source.uris: must be a non-empty array of s3://bucket/key strings");
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < uris.size(); i++) {
            JsonNode u = uris.get(i);
            String field = "source.uris[" + i + "]";
            if (!u.isTextual() || !u.textValue().startsWith("s3://")) {
                throw new InvalidEventException(field + ": must be an s3://bucket/key string, got " + describe(u));
            }
            String rest = u.textValue().substring("s3://".length());
            int slash = rest.indexOf('/');
            if (slash < 0 || slash == rest.length() - 1) {
                throw new InvalidEventException(field + ": '" + u.textValue() + "' names no object key");
            }
            Names.normalizeBucket(field, rest.substring(0, slash));
            list.add(u.textValue());
        }
        String format = optionalText(node, "source", "format");
        if (format == null) {
            throw new InvalidEventException("source.format: is required (jsonl or csv)");
        }
        String region = optionalText(node, "source", "s3_region");
        if (region != null && !REGION.matcher(region).matches()) {
            throw new InvalidEventException("source.s3_region: '" + region + "' is not a region name (e.g. us-east-1)");
        }
        String endpoint = optionalText(node, "source", "endpoint_url");
        return new SourceSpec(
                list,
                SourceSpec.Format.parse("source.format", format),
                SourceSpec.SourceCompression.parse("source.compression", optionalText(node, "source", "compression")),
                region,
                endpoint == null ? null : endpoint("source.endpoint_url", endpoint),
                SourceSpec.Drift.parse(
                        "source",
                        optionalText(node, "source", "missing_columns"),
                        optionalText(node, "source", "unknown_fields")));
    }

    static final Set<String> STAGING_FIELDS = Set.of(
            "bucket",
            "prefix",
            "format",
            "compression",
            "s3_region",
            "endpoint_url",
            "missing_columns",
            "unknown_fields");

    /**
     * The staged files of a batch, named by bucket and prefix (SPEC §10).
     *
     * @param formatRequired false where the files are only probed, not read
     */
    public static StagingPrefix stagingPrefix(String path, JsonNode node, boolean formatRequired) {
        requireObject(path, node);
        KnownFields.check(node, path, STAGING_FIELDS);
        String bucket = Names.normalizeBucket(path + ".bucket", optionalText(node, path, "bucket"));
        String prefix = optionalText(node, path, "prefix");
        prefix = prefix == null ? "" : prefix.replaceFirst("^/+", "");
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.isISOControl(prefix.charAt(i))) {
                throw new InvalidEventException(path + ".prefix: contains a control character");
            }
        }
        String format = optionalText(node, path, "format");
        if (format == null && formatRequired) {
            throw new InvalidEventException(path + ".format: is required (jsonl or csv)");
        }
        String region = optionalText(node, path, "s3_region");
        if (region != null && !REGION.matcher(region).matches()) {
            throw new InvalidEventException(
                    path + ".s3_region: '" + region + "' is not a region name (e.g. us-east-1)");
        }
        String endpoint = optionalText(node, path, "endpoint_url");
        return new StagingPrefix(
                bucket,
                prefix,
                format == null ? null : SourceSpec.Format.parse(path + ".format", format),
                SourceSpec.SourceCompression.parse(path + ".compression", optionalText(node, path, "compression")),
                region,
                endpoint == null ? null : endpoint(path + ".endpoint_url", endpoint),
                SourceSpec.Drift.parse(
                        path, optionalText(node, path, "missing_columns"), optionalText(node, path, "unknown_fields")));
    }

    /** The connection test's input (SPEC §5): the destination, and optionally the staging prefix to probe reads of. */
    public static ConnectionTestEvent connectionTest(JsonNode root) {
        requireObject("event", root);
        KnownFields.check(root, "", CONNECTION_TEST_FIELDS);
        DestinationConfig destination = destination(root.get("destination"));
        JsonNode source = root.get("source");
        return new ConnectionTestEvent(
                destination, source == null || source.isNull() ? null : stagingPrefix("source", source, false));
    }

    private static Instant instant(String field, JsonNode node) {
        if (!node.isTextual()) {
            throw new InvalidEventException(field + ": must be an ISO-8601 string with offset, got " + describe(node));
        }
        try {
            Instant instant = OffsetDateTime.parse(Iso8601.extendedOffset(node.textValue()))
                    .toInstant();
            int year = instant.atOffset(java.time.ZoneOffset.UTC).getYear();
            if (year < 1 || year > 9999) {
                // dt=yyyy-MM-dd and yyyyMMddHHmmss have four-digit years; year 10000 would be spelt +10000.
                throw new InvalidEventException(field + ": '" + node.textValue() + "' is in year " + year
                        + " (UTC); the layout's dates hold years 1 to 9999");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(field + ": '" + node.textValue()
                    + "' is not an ISO-8601 instant with offset, e.g. 2025-09-25T13:22:33.123Z");
        }
    }

    private static JsonNode required(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(name + ": is required");
        }
        return node;
    }

    private static void requireObject(String field, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(field + ": must be a JSON object, got " + describe(node));
        }
    }

    /** A string field; null when absent, JSON null or blank. */
    private static String optionalText(JsonNode parent, String parentField, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            // Never echo the value: this may be a secret field.
            throw new InvalidEventException(parentField + "." + name + ": must be a string, got " + kind(node));
        }
        String text = node.textValue();
        return text.isBlank() ? null : text;
    }

    /** A string or integer field at the top level (batch ids are often numbers). */
    private static String optionalScalar(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual() || node.isIntegralNumber()) {
            String text = node.asText();
            return text.isBlank() ? null : text;
        }
        throw new InvalidEventException(name + ": must be a string, got " + describe(node));
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isContainerNode()) {
            return kind(node);
        }
        String text = node.toString();
        return kind(node) + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    /** "a string", "an object", …: the JSON kind of a value, for messages that must not echo it. */
    public static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
