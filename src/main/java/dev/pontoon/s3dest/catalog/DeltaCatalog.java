package dev.pontoon.s3dest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.Names;
import dev.pontoon.s3dest.s3.ObjectTarget;
import dev.pontoon.s3dest.s3.S3Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A Delta Lake table over the files where they are (SPEC §14): the table's root is the model's folder, its log
 * {@code _delta_log/} beside the {@code dt=} folders, and a batch is one commit of an {@code add} per file. The
 * commit is written only if its version's file is absent ({@code If-None-Match: *}); a writer that loses the race
 * reads the log again and tries the next version. The batch is recorded as a {@code txn} action (application id
 * {@value #APP_PREFIX}{@code <batch id>}): it is part of the table's state, kept by checkpoints, so a batch already in
 * the table is found however old the log, and a second commit of it adds nothing.
 */
final class DeltaCatalog implements TableCatalog {
    private static final Logger LOG = Logger.getLogger(DeltaCatalog.class);

    static final String APP_PREFIX = "pontoon-s3-destination/batch/";
    static final String ENGINE = "pontoon-s3-destination";
    /** Delta's default, used unless the table sets {@code delta.checkpointInterval}. */
    static final int CHECKPOINT_INTERVAL = 10;
    /** Commits lost to other writers before the commit gives up (a retry of the whole commit can still succeed). */
    static final int MAX_ATTEMPTS = 10;
    /** Delta's default retention of removed files' tombstones ({@code delta.deletedFileRetentionDuration}). */
    static final Duration TOMBSTONE_RETENTION = Duration.ofDays(7);
    /** Kept beside the log on a custom endpoint: whether the store honours {@code If-None-Match}. */
    static final String PROBE = ".pontoon-conditional-write-probe";

    /** Table features an append of new files honours as it is (with no constraint or invariant defined). */
    static final Set<String> WRITER_FEATURES = Set.of(
            "appendOnly", "invariants", "checkConstraints", "timestampNtz", "changeDataFeed", "vacuumProtocolCheck");

    private static final char[] NOT_IN_NAMES = " ,;{}()\n\t=".toCharArray();

    private final S3Client s3;
    private final DestinationConfig destination;

    DeltaCatalog(S3Client s3, DestinationConfig destination) {
        this.s3 = s3;
        this.destination = destination;
    }

    @Override
    public void register(TableDefinition table, CommittedBatch batch) {
        DeltaLog log = new DeltaLog(s3, table.bucket(), table.modelPath());
        String where = "the Delta table at " + table.location();
        checkNames(table.columns(), where);
        if (destination.endpoint() != null) {
            requireConditionalWrites(log, where);
        }
        String appId = APP_PREFIX + batch.batchId();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            DeltaLog.Snapshot snapshot = log.read(false, -1);
            if (snapshot.transactions().containsKey(appId)) {
                LOG.infof("%s already holds batch %s: nothing to commit", where, batch.batchId());
                return;
            }
            List<ObjectNode> actions = actions(table, batch, snapshot, where);
            long version = snapshot.version() + 1;
            if (putIfAbsent(log.logPrefix() + DeltaLog.commitName(version), lines(actions), ObjectTarget.JSON)) {
                LOG.infof(
                        "committed batch %s to %s as version %d: %d files",
                        batch.batchId(), where, version, batch.files().size());
                ObjectNode metaData = snapshot.metaData();
                for (ObjectNode a : actions) {
                    if (a.get("metaData") instanceof ObjectNode m) {
                        metaData = m;
                    }
                }
                if (version > 0 && version % checkpointInterval(metaData) == 0) {
                    checkpoint(log, version, batch, where);
                }
                return;
            }
            LOG.infof("%s: another writer took version %d; reading the log again", where, version);
        }
        throw new CatalogTransientException(
                where + ": other writers took " + MAX_ATTEMPTS + " versions in a row; nothing was committed", null);
    }

    /** The commit's actions: what it says of itself, protocol and metadata when they change, the batch, its files. */
    private List<ObjectNode> actions(
            TableDefinition table, CommittedBatch batch, DeltaLog.Snapshot snapshot, String where) {
        long time = batch.startedAt().toEpochMilli();
        List<ColumnSpec> columns = table.columns();
        boolean ntz = DeltaTypes.needsTimestampNtz(columns);
        List<ObjectNode> actions = new ArrayList<>();
        ObjectNode commitInfo = action(actions, "commitInfo")
                .put("timestamp", time)
                .put("operation", "WRITE")
                .put("isBlindAppend", true)
                .put("engineInfo", ENGINE)
                .put("userMetadata", "pontoon batch " + batch.batchId());
        commitInfo.putObject("operationParameters").put("mode", "Append").put("partitionBy", "[\"dt\"]");
        if (!snapshot.exists()) {
            ObjectNode protocol = action(actions, "protocol");
            if (ntz) {
                protocol.put("minReaderVersion", 3).put("minWriterVersion", 7);
                protocol.putArray("readerFeatures").add("timestampNtz");
                protocol.putArray("writerFeatures").add("timestampNtz");
            } else {
                protocol.put("minReaderVersion", 1).put("minWriterVersion", 2);
            }
            ObjectNode metaData = action(actions, "metaData")
                    .put(
                            "id",
                            UUID.nameUUIDFromBytes((table.location() + "\n" + batch.batchId())
                                            .getBytes(StandardCharsets.UTF_8))
                                    .toString());
            metaData.putObject("format").put("provider", "parquet").putObject("options");
            metaData.put("schemaString", DeltaTypes.schema(columns).toString());
            metaData.putArray("partitionColumns").add(Names.PARTITION_COLUMN);
            metaData.putObject("configuration");
            metaData.put("createdTime", time);
        } else {
            checkWritable(snapshot, where);
            if (ntz && !has(snapshot.protocol(), "writerFeatures", "timestampNtz")) {
                actions.add(wrap("protocol", withTimestampNtz(snapshot.protocol())));
            }
            ObjectNode evolved = evolve(snapshot.metaData(), columns, where);
            if (evolved != null) {
                actions.add(wrap("metaData", evolved));
            }
        }
        action(actions, "txn")
                .put("appId", APP_PREFIX + batch.batchId())
                .put("version", time)
                .put("lastUpdated", time);
        for (FileResult f : batch.files()) {
            ObjectNode add = action(actions, "add")
                    .put("path", relativePath(table.modelPath(), f.key()))
                    .set("partitionValues", partitionValues(table.modelPath(), f.key()));
            add.put("size", f.bytes())
                    .put("modificationTime", time)
                    .put("dataChange", true)
                    .put("stats", DeltaTypes.stats(f, columns).toString());
        }
        return actions;
    }

    /** Delta's names without column mapping: none of {@code  ,;{}()\n\t=}. */
    private static void checkNames(List<ColumnSpec> columns, String where) {
        for (ColumnSpec c : columns) {
            for (char bad : NOT_IN_NAMES) {
                if (c.name().indexOf(bad) >= 0) {
                    throw new CatalogException("model.columns." + c.name() + ": " + where
                            + " cannot hold a column whose name has any of ' ,;{}()=', a tab or a newline"
                            + " (Delta without column mapping); nothing was committed");
                }
            }
        }
    }

    /**
     * Refuses a table whose protocol asks more of a writer than appending files: a feature this function does not
     * know, or a constraint or invariant it would have to check.
     */
    private static void checkWritable(DeltaLog.Snapshot snapshot, String where) {
        ObjectNode protocol = snapshot.protocol();
        int reader = protocol.path("minReaderVersion").asInt(1);
        int writer = protocol.path("minWriterVersion").asInt(1);
        if (reader > 3 || writer > 7 || (writer >= 4 && writer <= 6)) {
            throw new CatalogException(where + " needs reader version " + reader + " and writer version " + writer
                    + ", which ask for more than appending files (e.g. generated columns, column mapping); nothing"
                    + " was committed");
        }
        if (writer == 7) {
            Set<String> unknown = new TreeSet<>();
            protocol.path("writerFeatures").forEach(f -> {
                if (!WRITER_FEATURES.contains(f.asText())) {
                    unknown.add(f.asText());
                }
            });
            if (!unknown.isEmpty()) {
                throw new CatalogException(where + " uses table features this function does not write: "
                        + shown(unknown.toString())
                        + " (it writes appends with " + new TreeSet<>(WRITER_FEATURES) + "); nothing was committed");
            }
        }
        ObjectNode metaData = snapshot.metaData();
        if (metaData.path("schemaString").asText().contains("delta.invariants")) {
            throw new CatalogException(
                    where + " has column invariants, which this function does not check; nothing was committed");
        }
        metaData.path("configuration").fieldNames().forEachRemaining(key -> {
            if (key.startsWith("delta.constraints.")) {
                throw new CatalogException(where + " has the CHECK constraint " + shown(key.substring(18))
                        + ", which this function does not check; nothing was committed");
            }
        });
    }

    /**
     * The table's metadata with the columns the model gained, or null when it has them all. A column whose type
     * changed or that the model dropped, or a table partitioned otherwise, is refused naming it.
     */
    private static ObjectNode evolve(ObjectNode metaData, List<ColumnSpec> columns, String where) {
        JsonNode partitioning = metaData.path("partitionColumns");
        if (!(partitioning.size() == 1
                && Names.PARTITION_COLUMN.equals(partitioning.get(0).asText()))) {
            throw new CatalogException(where + " is partitioned by " + shown(partitioning.toString())
                    + ", not by [\"dt\"] as the files are laid out; nothing was committed");
        }
        ObjectNode schema;
        try {
            schema = (ObjectNode)
                    Json.MAPPER.readTree(metaData.path("schemaString").asText());
        } catch (IOException | ClassCastException e) {
            throw new CatalogException(where + " has a schema that is not JSON; nothing was committed");
        }
        Map<String, ColumnSpec> wanted = new LinkedHashMap<>();
        for (ColumnSpec c : columns) {
            wanted.put(c.name().toLowerCase(Locale.ROOT), c);
        }
        Set<String> present = new LinkedHashSet<>();
        for (JsonNode field : schema.path("fields")) {
            String name = field.path("name").asText();
            String lower = name.toLowerCase(Locale.ROOT);
            present.add(lower);
            if (lower.equals(Names.PARTITION_COLUMN)) {
                continue;
            }
            ColumnSpec c = wanted.get(lower);
            if (c == null) {
                throw new CatalogException("model.columns: " + where + " has column '" + shown(name)
                        + "', which the model no longer has; Delta cannot drop it here, so nothing was committed");
            }
            if (!c.name().equals(name)) {
                throw new CatalogException("model.columns." + c.name() + ": " + where + " has this column as '"
                        + shown(name) + "'; Delta's names are case-insensitive and a rename needs column mapping, so"
                        + " nothing was committed");
            }
            String type = DeltaTypes.of(c.type());
            if (!field.path("type").isTextual()
                    || !type.equals(field.path("type").asText().replace(" ", ""))) {
                throw new CatalogException("model.columns." + c.name() + ": " + where + " has column '" + name
                        + "' as " + shown(field.path("type").toString()) + ", the model says " + type + " ('"
                        + c.name() + "'); Delta cannot change it here, so nothing was committed");
            }
        }
        ArrayNode fields = (ArrayNode) schema.withArray("fields");
        int before = fields.size();
        for (ColumnSpec c : columns) {
            if (!present.contains(c.name().toLowerCase(Locale.ROOT))) {
                fields.add(DeltaTypes.field(c.name(), DeltaTypes.of(c.type())));
            }
        }
        if (fields.size() == before) {
            return null;
        }
        ObjectNode evolved = metaData.deepCopy();
        evolved.put("schemaString", schema.toString());
        return evolved;
    }

    /** Text from the table's own log, as an error shows it: at most 100 characters. */
    private static String shown(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    /** The protocol with {@code timestampNtz} added: reader 3 and writer 7, keeping what it had. */
    private static ObjectNode withTimestampNtz(ObjectNode protocol) {
        int reader = protocol.path("minReaderVersion").asInt(1);
        int writer = protocol.path("minWriterVersion").asInt(1);
        Set<String> readerFeatures = new TreeSet<>();
        Set<String> writerFeatures = new TreeSet<>();
        protocol.path("readerFeatures").forEach(f -> readerFeatures.add(f.asText()));
        protocol.path("writerFeatures").forEach(f -> writerFeatures.add(f.asText()));
        if (writer < 7) {
            // What the legacy versions implied, named as features.
            if (writer >= 2) {
                writerFeatures.add("appendOnly");
                writerFeatures.add("invariants");
            }
            if (writer >= 3) {
                writerFeatures.add("checkConstraints");
            }
        }
        readerFeatures.add("timestampNtz");
        writerFeatures.add("timestampNtz");
        ObjectNode upgraded = JsonNodeFactory.instance
                .objectNode()
                .put("minReaderVersion", Math.max(reader, 3))
                .put("minWriterVersion", 7);
        readerFeatures.forEach(upgraded.putArray("readerFeatures")::add);
        writerFeatures.forEach(upgraded.putArray("writerFeatures")::add);
        return upgraded;
    }

    private static boolean has(ObjectNode protocol, String list, String feature) {
        for (JsonNode f : protocol.path(list)) {
            if (feature.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    private static int checkpointInterval(ObjectNode metaData) {
        String configured = metaData == null
                ? null
                : metaData.path("configuration")
                        .path("delta.checkpointInterval")
                        .asText(null);
        try {
            return configured == null ? CHECKPOINT_INTERVAL : Math.max(1, Integer.parseInt(configured.trim()));
        } catch (NumberFormatException e) {
            return CHECKPOINT_INTERVAL;
        }
    }

    /**
     * A checkpoint of {@code version}: the table's whole state in one Parquet file, and {@code _last_checkpoint}
     * naming it, so that a reader starts there instead of replaying every commit. Best effort: the commit has
     * landed, and without it readers replay the commits since the last one.
     */
    private void checkpoint(DeltaLog log, long version, CommittedBatch batch, String where) {
        try {
            if (log.lastCheckpointVersion() >= version) {
                return;
            }
            DeltaLog.Snapshot state = log.read(true, version);
            if (state.version() != version) {
                return;
            }
            long oldest = batch.startedAt().minus(TOMBSTONE_RETENTION).toEpochMilli();
            List<ObjectNode> actions = new ArrayList<>();
            actions.add(wrap("protocol", state.protocol()));
            actions.add(wrap("metaData", state.metaData()));
            state.transactions().values().forEach(t -> actions.add(wrap("txn", t)));
            state.files().values().forEach(a -> actions.add(wrap("add", a)));
            state.tombstones().values().stream()
                    .filter(r -> r.path("deletionTimestamp").asLong(Long.MAX_VALUE) >= oldest)
                    .forEach(r -> actions.add(wrap("remove", r)));
            byte[] body = DeltaCheckpoint.write(actions);
            put(log.logPrefix() + DeltaLog.checkpointName(version), body, ObjectTarget.PARQUET);
            ObjectNode last = JsonNodeFactory.instance
                    .objectNode()
                    .put("version", version)
                    .put("size", actions.size())
                    .put("sizeInBytes", body.length)
                    .put("numOfAddFiles", state.files().size());
            put(
                    log.logPrefix() + "_last_checkpoint",
                    last.toString().getBytes(StandardCharsets.UTF_8),
                    ObjectTarget.JSON);
            LOG.infof(
                    "%s: checkpoint at version %d (%d files)",
                    where, version, state.files().size());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "%s: the checkpoint at version %d was not written (%s); readers replay the commits since the last"
                            + " one, and a later commit writes the next",
                    where, version, e.getMessage());
        }
    }

    /**
     * On a store other than AWS's, whether it honours {@code If-None-Match: *}: the probe object beside the log is
     * created only if absent, twice; a store that lets the second through would let two commits take one version,
     * so no commit is made there.
     */
    private void requireConditionalWrites(DeltaLog log, String where) {
        String key = log.logPrefix() + PROBE;
        byte[] body = "If-None-Match probe of pontoon-s3-destination\n".getBytes(StandardCharsets.UTF_8);
        if (!putIfAbsent(key, body, ObjectTarget.JSON) || !putIfAbsent(key, body, ObjectTarget.JSON)) {
            return;
        }
        throw new CatalogException(where + ": the store at destination.endpoint_url replaced an object it was asked"
                + " to create only if absent (If-None-Match: *), so two writers could take the same Delta version and"
                + " one commit would be lost; nothing was committed (Delta needs conditional writes: AWS S3 and most"
                + " S3-compatible stores have them)");
    }

    /** PUTs {@code key} only if it does not exist: false when it does (or another such PUT is under way). */
    private boolean putIfAbsent(String key, byte[] body, String contentType) {
        ObjectTarget target = new ObjectTarget(destination.bucket(), key, contentType, destination.objects());
        try {
            s3.putObject(r -> target.applyTo(r).ifNoneMatch("*"), RequestBody.fromBytes(body));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw S3Errors.map(e, "PutObject (Delta log)", destination.bucket(), key);
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "PutObject (Delta log)", destination.bucket(), key);
        }
    }

    private void put(String key, byte[] body, String contentType) {
        ObjectTarget target = new ObjectTarget(destination.bucket(), key, contentType, destination.objects());
        try {
            s3.putObject(r -> target.applyTo(r), RequestBody.fromBytes(body));
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "PutObject (Delta checkpoint)", destination.bucket(), key);
        }
    }

    /** {@code dt=…/<file>}: the key under the table's root (the layout's characters need no escaping in a URI). */
    static String relativePath(String modelPath, String key) {
        return key.substring(modelPath.length());
    }

    private static ObjectNode partitionValues(String modelPath, String key) {
        String partition = dev.pontoon.s3dest.s3.ObjectKeys.partitionOf(modelPath, key);
        return JsonNodeFactory.instance
                .objectNode()
                .put(Names.PARTITION_COLUMN, partition.substring(partition.indexOf('=') + 1));
    }

    private static ObjectNode action(List<ObjectNode> actions, String kind) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        actions.add(wrap(kind, body));
        return body;
    }

    private static ObjectNode wrap(String kind, ObjectNode body) {
        ObjectNode action = JsonNodeFactory.instance.objectNode();
        action.set(kind, body);
        return action;
    }

    /** A commit file: one action per line. */
    private static byte[] lines(List<ObjectNode> actions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (ObjectNode a : actions) {
                out.write(Json.MAPPER.writeValueAsBytes(a));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The connection test's check: the prefix can be listed, and off AWS the store honours {@code If-None-Match}
     * (a probe object created only if absent, twice, then deleted), as every commit will need.
     */
    @Override
    public String probe(TableDefinition table) {
        String prefix = table.modelPath().isEmpty() ? "" : table.modelPath() + "/";
        try {
            s3.listObjectsV2(r -> r.bucket(table.bucket()).prefix(prefix).maxKeys(1));
        } catch (RuntimeException e) {
            throw new CatalogException("Delta: could not list s3://" + table.bucket() + "/" + prefix + " ("
                    + S3Errors.map(e, "ListObjectsV2", table.bucket(), prefix).getMessage()
                    + "); grant s3:ListBucket on the bucket and s3:GetObject and s3:PutObject on " + prefix
                    + "*/_delta_log/*");
        }
        if (destination.endpoint() != null) {
            String key = prefix + "_pontoon_conditional_write_probe_" + UUID.randomUUID() + ".txt";
            byte[] body = "If-None-Match probe of pontoon-s3-destination\n".getBytes(StandardCharsets.UTF_8);
            boolean honoured;
            try {
                honoured = putIfAbsent(key, body, ObjectTarget.JSON) && !putIfAbsent(key, body, ObjectTarget.JSON);
            } finally {
                try {
                    s3.deleteObject(r -> r.bucket(table.bucket()).key(key));
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "the conditional-write probe s3://%s/%s was left behind: %s",
                            table.bucket(), key, e.getMessage());
                }
            }
            if (!honoured) {
                throw new CatalogException("Delta: the store at destination.endpoint_url replaced an object it was"
                        + " asked to create only if absent (If-None-Match: *): Delta commits there could lose one"
                        + " another, so the commit will refuse them; use a store with conditional writes");
            }
        }
        return "Delta: each model's table will be s3://" + table.bucket() + "/" + prefix
                + "<model>/ (its log in _delta_log/ there)"
                + (destination.endpoint() != null ? "; the store honours conditional writes" : "");
    }

    @Override
    public void close() {
        s3.close();
    }
}
