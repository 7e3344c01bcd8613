package dev.pontoon.s3dest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.s3.S3Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a Delta Lake table's log (its {@code _delta_log/} folder) into the state a blind append needs: the latest
 * protocol and metadata, the applications' transaction ids, and — only when a checkpoint is to be written — the live
 * files and recent tombstones. The newest complete checkpoint (found through {@code _last_checkpoint}, else by
 * listing) is read first, then every commit after it, in order; a gap in the versions is an error, never skipped.
 * Classic checkpoints, single-file and multi-part, are read; a table with V2 checkpoints is refused by its protocol
 * (the {@code v2Checkpoint} feature) before its log matters.
 */
final class DeltaLog {
    static final String FOLDER = "_delta_log/";
    private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint\\.parquet");
    private static final Pattern CHECKPOINT_PART =
            Pattern.compile("(\\d{20})\\.checkpoint\\.(\\d{10})\\.(\\d{10})\\.parquet");

    /**
     * A table's state at {@code version}; -1 when the table does not exist yet.
     *
     * @param files the live files by path (only when read with files)
     * @param tombstones removed files by path (only when read with files)
     */
    record Snapshot(
            long version,
            ObjectNode protocol,
            ObjectNode metaData,
            Map<String, ObjectNode> transactions,
            Map<String, ObjectNode> files,
            Map<String, ObjectNode> tombstones) {
        boolean exists() {
            return version >= 0;
        }
    }

    private final S3Client s3;
    private final String bucket;
    /** {@code <prefix>/<model>/_delta_log/} */
    private final String logPrefix;

    DeltaLog(S3Client s3, String bucket, String tablePath) {
        this.s3 = s3;
        this.bucket = bucket;
        this.logPrefix = tablePath + FOLDER;
    }

    String logPrefix() {
        return logPrefix;
    }

    static String commitName(long version) {
        return String.format("%020d.json", version);
    }

    static String checkpointName(long version) {
        return String.format("%020d.checkpoint.parquet", version);
    }

    /** The latest state; with {@code withFiles}, the live files too, as of {@code upTo} (or the latest when negative). */
    Snapshot read(boolean withFiles, long upTo) {
        Long hinted = lastCheckpoint();
        if (hinted != null && upTo >= 0 && hinted > upTo) {
            hinted = null; // a newer checkpoint than the version asked for: list from the start
        }
        Listing listing = list(hinted == null ? null : logPrefix + String.format("%020d", hinted));
        if (hinted != null && listing.checkpoints.floorKey(hinted) == null) {
            listing = list(null); // the hint names a checkpoint that is gone: read the whole folder
        }
        TreeMap<Long, String> commits = listing.commits;
        if (upTo >= 0) {
            commits = new TreeMap<>(commits.headMap(upTo, true));
        }
        long latest = commits.isEmpty() ? -1 : commits.lastKey();
        Map.Entry<Long, List<String>> checkpoint =
                listing.checkpoints.floorEntry(latest >= 0 ? latest : Long.MAX_VALUE);
        if (upTo >= 0 && checkpoint != null && checkpoint.getKey() > upTo) {
            checkpoint = listing.checkpoints.floorEntry(upTo);
        }
        State state = new State(withFiles);
        long from = 0;
        if (checkpoint != null) {
            for (String key : checkpoint.getValue()) {
                DeltaCheckpoint.read(get(key), key, withFiles).forEach(state::apply);
            }
            from = checkpoint.getKey() + 1;
            latest = Math.max(latest, checkpoint.getKey());
        }
        if (latest < 0) {
            return new Snapshot(-1, null, null, Map.of(), Map.of(), Map.of());
        }
        for (long v = from; v <= latest; v++) {
            String name = commits.get(v);
            if (name == null) {
                throw new CatalogException("the Delta log at s3://" + bucket + "/" + logPrefix + " has no commit "
                        + commitName(v) + " before version " + latest
                        + (checkpoint == null ? " and no checkpoint" : "")
                        + "; it is incomplete, so nothing was committed");
            }
            for (ObjectNode action : commitActions(get(name), name)) {
                state.apply(action);
            }
        }
        if (state.protocol == null || state.metaData == null) {
            throw new CatalogException("the Delta log at s3://" + bucket + "/" + logPrefix + " has no "
                    + (state.protocol == null ? "protocol" : "metaData") + " action up to version " + latest
                    + "; nothing was committed");
        }
        return new Snapshot(latest, state.protocol, state.metaData, state.transactions, state.files, state.tombstones);
    }

    /** Each action of a commit file: one JSON object per line. */
    private List<ObjectNode> commitActions(byte[] body, String key) {
        List<ObjectNode> actions = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(line);
                if (node instanceof ObjectNode o) {
                    actions.add(o);
                    continue;
                }
            } catch (IOException e) {
                // refused below
            }
            throw new CatalogException("the Delta log file s3://" + bucket + "/" + key
                    + " holds a line that is not a JSON action; nothing was committed");
        }
        return actions;
    }

    /** Replays actions in log order. */
    private static final class State {
        final boolean withFiles;
        ObjectNode protocol;
        ObjectNode metaData;
        final Map<String, ObjectNode> transactions = new LinkedHashMap<>();
        final Map<String, ObjectNode> files = new LinkedHashMap<>();
        final Map<String, ObjectNode> tombstones = new LinkedHashMap<>();

        State(boolean withFiles) {
            this.withFiles = withFiles;
        }

        void apply(ObjectNode action) {
            if (action.get("protocol") instanceof ObjectNode p) {
                protocol = p;
            } else if (action.get("metaData") instanceof ObjectNode m) {
                metaData = m;
            } else if (action.get("txn") instanceof ObjectNode t) {
                transactions.put(t.path("appId").asText(), t);
            } else if (withFiles && action.get("add") instanceof ObjectNode a) {
                String path = a.path("path").asText();
                tombstones.remove(path);
                files.put(path, a);
            } else if (withFiles && action.get("remove") instanceof ObjectNode r) {
                String path = r.path("path").asText();
                files.remove(path);
                tombstones.put(path, r);
            }
        }
    }

    /** The log's commits and complete checkpoints by version. */
    private record Listing(TreeMap<Long, String> commits, TreeMap<Long, List<String>> checkpoints) {}

    private Listing list(String startAfter) {
        TreeMap<Long, String> commits = new TreeMap<>();
        TreeMap<Long, List<String>> checkpoints = new TreeMap<>();
        Map<Long, TreeMap<Integer, String>> parts = new TreeMap<>();
        Map<Long, Integer> partCounts = new TreeMap<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(
                            r -> r.bucket(bucket).prefix(logPrefix).startAfter(startAfter))
                    .contents()) {
                String name = o.key().substring(logPrefix.length());
                Matcher m;
                if ((m = COMMIT.matcher(name)).matches()) {
                    commits.put(Long.parseLong(m.group(1)), o.key());
                } else if ((m = CHECKPOINT.matcher(name)).matches()) {
                    checkpoints.put(Long.parseLong(m.group(1)), List.of(o.key()));
                } else if ((m = CHECKPOINT_PART.matcher(name)).matches()) {
                    long v = Long.parseLong(m.group(1));
                    parts.computeIfAbsent(v, k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), o.key());
                    partCounts.put(v, Integer.parseInt(m.group(3)));
                }
            }
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "ListObjectsV2 (Delta log)", bucket, logPrefix);
        }
        parts.forEach((v, found) -> {
            if (found.size() == partCounts.get(v) && !checkpoints.containsKey(v)) {
                checkpoints.put(v, List.copyOf(found.values()));
            }
        });
        return new Listing(commits, checkpoints);
    }

    /**
     * The version {@code _last_checkpoint} names, or null when there is none (or it cannot be read as one). It is
     * only a hint: a 403 is taken as "none" too, because S3 answers a missing key with 403 to a role whose
     * {@code s3:ListBucket} is limited to a prefix; the listing that follows says whether the log can be read.
     */
    private Long lastCheckpoint() {
        byte[] body = getIfExists(logPrefix + "_last_checkpoint");
        if (body == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node.path("version").canConvertToLong()
                    ? node.path("version").asLong()
                    : null;
        } catch (IOException e) {
            return null; // only a hint: the listing finds the checkpoints
        }
    }

    /** The last checkpoint's version, or -1. */
    long lastCheckpointVersion() {
        Long v = lastCheckpoint();
        return v == null ? -1 : v;
    }

    byte[] get(String key) {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (Delta log)", bucket, key);
        }
    }

    /** The object, or null when it is missing (or hidden: see {@link #lastCheckpoint()}). */
    private byte[] getIfExists(String key) {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 403) {
                return null;
            }
            throw S3Errors.map(e, "GetObject (Delta log)", bucket, key);
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (Delta log)", bucket, key);
        }
    }
}
