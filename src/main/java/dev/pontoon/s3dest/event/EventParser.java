package dev.pontoon.s3dest.event;

import static dev.pontoon.s3dest.event.JsonFields.describe;
import static dev.pontoon.s3dest.event.JsonFields.optionalScalar;
import static dev.pontoon.s3dest.event.JsonFields.requireObject;
import static dev.pontoon.s3dest.event.JsonFields.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the JSON of a transfer or connection-test event into validated records. This is the edge: every check of
 * the event happens here, once, and each failure is one {@link InvalidEventException} naming the field.
 */
public final class EventParser {
    /** The {@code destination} object of any event (the customer's; SPEC §12). */
    public static DestinationConfig destination(JsonNode node) {
        return DestinationParser.destination(node);
    }

    /**
     * The staged files of a batch, named by bucket and prefix (SPEC §10).
     *
     * @param formatRequired false where the files are only probed, not read
     */
    public static StagingPrefix stagingPrefix(String path, JsonNode node, boolean formatRequired) {
        return SourceParser.stagingPrefix(path, node, formatRequired);
    }

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
        ModelSpec model = ModelParser.model(required(root, "model"));

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
            sourceSpec = SourceParser.source(source);
            if (model.columns().isEmpty()
                    && sourceSpec.format() != SourceSpec.Format.PARQUET
                    && sourceSpec.format() != SourceSpec.Format.ARROW) {
                throw new InvalidEventException("model.columns: must be declared for a 'source' transfer of jsonl or"
                        + " csv (parquet and arrow sources may take their files' schema)");
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
            ModelSpec model = ModelParser.model(required(transfer, "model"));
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
}
