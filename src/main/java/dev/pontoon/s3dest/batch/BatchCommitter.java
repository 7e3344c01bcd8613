package dev.pontoon.s3dest.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.catalog.CommittedBatch;
import dev.pontoon.s3dest.catalog.TableCatalog;
import dev.pontoon.s3dest.catalog.TableDefinition;
import dev.pontoon.s3dest.event.BatchEvent;
import dev.pontoon.s3dest.event.CatalogSpec;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.CommitResult;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.StagingPrefix;
import dev.pontoon.s3dest.event.TransferEvent;
import dev.pontoon.s3dest.parquet.ParquetSchema;
import dev.pontoon.s3dest.s3.ObjectKeys;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3Errors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.parquet.schema.MessageType;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Commits a batch (SPEC §10): checks that every staged object is named by exactly one complete chunk manifest of
 * the batch, updates the catalog, and writes the batch manifest last, so its presence means "complete everywhere".
 * Every step is repeatable: a second commit finds the same chunks, changes nothing in the catalog and rewrites the
 * same manifest bytes; a commit that failed half-way is finished by the next one.
 */
public final class BatchCommitter {
    private static final Logger LOG = Logger.getLogger(BatchCommitter.class);
    /** How many missing sources an error names; the count covers the rest. */
    private static final int NAMED = 5;

    private final S3ClientFactory clients;
    private final ObjectMapper mapper;
    private final Catalogs catalogs;

    /** Checks, before any file is written, that the destination's catalog may be reached (SPEC §12). */
    public void checkCatalog(DestinationConfig destination) {
        catalogs.check(destination);
    }

    public BatchCommitter(S3ClientFactory clients, ObjectMapper mapper, Catalogs catalogs) {
        this.clients = clients;
        this.mapper = mapper;
        this.catalogs = catalogs;
    }

    /** What identifies a batch and what its files hold. */
    record Batch(
            String transferId,
            String batchId,
            Instant startedAt,
            DestinationConfig destination,
            String model,
            List<ColumnSpec> fileColumns,
            MessageType schema) {}

    /** The state machine's commit: the batch's chunks ran; is every staged object covered exactly once? */
    public CommitResult commit(BatchEvent event) {
        DestinationConfig d = event.destination();
        List<ColumnSpec> fileColumns =
                ParquetSchema.withPontoonColumns(event.model().columns());
        Batch batch = new Batch(
                event.transferId(),
                event.batchId(),
                event.transferStartedAt(),
                d,
                event.model().name(),
                fileColumns,
                ParquetSchema.messageType(event.model().name(), fileColumns));
        StagingPrefix staging = event.staging();
        clients.policy().checkStaging("source.prefix", staging.bucket(), staging.prefix());
        try (S3Client s3 = clients.create(d);
                S3Client stagingS3 = clients.create(d.reading(
                        staging.bucket(),
                        staging.prefix(),
                        staging.region(),
                        staging.endpoint(),
                        "source.endpoint_url"))) {
            List<String> staged = listStaged(stagingS3, staging);
            List<ChunkManifest.Read> chunks = readChunks(s3, batch);
            List<FileResult> files = check(batch, staging, staged, chunks);
            return write(s3, batch, files, staged.size());
        }
    }

    /** A transfer event with {@code "commit": true} is a whole batch: its own files, after its chunk manifest. */
    public CommitResult commitWhole(
            S3Client s3,
            TransferEvent event,
            List<ColumnSpec> fileColumns,
            MessageType schema,
            List<FileResult> files) {
        Batch batch = new Batch(
                event.transferId(),
                event.batchId(),
                event.transferStartedAt(),
                event.destination(),
                event.model().name(),
                fileColumns,
                schema);
        return write(
                s3,
                batch,
                files,
                event.source() == null ? 0 : event.source().uris().size());
    }

    private static List<String> listStaged(S3Client s3, StagingPrefix staging) {
        try {
            // S3 lists in key order, as the Distributed Map's ItemReader hands the objects out.
            return s3
                    .listObjectsV2Paginator(r -> r.bucket(staging.bucket()).prefix(staging.prefix()))
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .map(staging::uri)
                    .toList();
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "ListObjectsV2 (staged sources)", staging.bucket(), staging.prefix());
        }
    }

    /** How many chunk manifests are read at once: a batch of 10,000 files in chunks of 10 has 1,000 of them. */
    private static final int PARALLEL_READS = 16;

    /** The batch's chunk manifests, in key order, read {@link #PARALLEL_READS} at a time. */
    private List<ChunkManifest.Read> readChunks(S3Client s3, Batch batch) {
        String bucket = batch.destination().bucket();
        String prefix = ChunkManifest.keyPrefix(
                batch.destination().prefix(), batch.model(), batch.startedAt(), batch.batchId());
        // Only Iceberg and Delta tables record the files' column statistics.
        boolean withStats = batch.destination().catalogs().stream().anyMatch(c -> c.type() != CatalogSpec.Type.GLUE);
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(PARALLEL_READS, r -> {
                    Thread t = new Thread(r, "manifest-read");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<ChunkManifest.Read>> reads = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))
                    .contents()) {
                reads.add(pool.submit(() -> ChunkManifest.Read.of(
                        o.key(),
                        readJson(
                                o.key(),
                                s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key()))
                                        .asByteArray()),
                        withStats)));
            }
            List<ChunkManifest.Read> chunks = new ArrayList<>();
            for (var read : reads) {
                chunks.add(read.get());
            }
            return chunks;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof BatchIncompleteException b) {
                throw b;
            }
            throw S3Errors.map(e.getCause(), "reading chunk manifests", bucket, prefix);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.pontoon.s3dest.s3.S3TransientException(
                    "interrupted while reading the chunk manifests; nothing was committed", null, e);
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "reading chunk manifests", bucket, prefix);
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonNode readJson(String key, byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (java.io.IOException e) {
            throw new BatchIncompleteException("chunk manifest " + key + " is not valid JSON; nothing was committed");
        }
    }

    /** The batch's files, by file index, if every staged object is covered by exactly one complete chunk. */
    private List<FileResult> check(
            Batch batch, StagingPrefix staging, List<String> staged, List<ChunkManifest.Read> chunks) {
        JsonNode expectedColumns = ChunkManifest.columns(mapper, batch.fileColumns(), batch.schema());
        Map<String, String> coveredBy = new HashMap<>();
        Map<String, String> fileOwner = new HashMap<>();
        List<FileResult> files = new ArrayList<>();
        String what = "batch " + batch.batchId() + " of model " + batch.model();
        for (ChunkManifest.Read chunk : chunks) {
            if (!batch.batchId().equals(chunk.batchId())
                    || !batch.startedAt().toString().equals(chunk.transferStartedAt())
                    || !chunk.complete()) {
                continue; // another batch whose id shares this one's key prefix, or not a finished chunk
            }
            if (!expectedColumns.equals(chunk.columns())) {
                throw new BatchIncompleteException(what + ": chunk manifest " + chunk.key()
                        + " was written with other columns than the model's; nothing was committed");
            }
            for (String source : chunk.sources()) {
                String other = coveredBy.putIfAbsent(source, chunk.key());
                if (other != null) {
                    throw new BatchIncompleteException(what + ": " + source + " is named by two chunk manifests, "
                            + other + " and " + chunk.key() + "; nothing was committed");
                }
            }
            for (FileResult f : chunk.files()) {
                String other = fileOwner.putIfAbsent(f.key(), chunk.key());
                if (other != null) {
                    throw new BatchIncompleteException(what + ": " + f.key() + " is listed by two chunk manifests, "
                            + other + " and " + chunk.key() + "; nothing was committed");
                }
                files.add(f);
            }
        }
        Set<String> stagedSet = new LinkedHashSet<>(staged);
        List<String> missing =
                staged.stream().filter(uri -> !coveredBy.containsKey(uri)).toList();
        if (!missing.isEmpty()) {
            throw new BatchIncompleteException(what + " is incomplete: " + missing.size() + " of " + staged.size()
                    + " staged objects under s3://" + staging.bucket() + "/" + staging.prefix()
                    + " are in no complete chunk manifest: " + named(missing) + "; nothing was committed");
        }
        List<String> foreign = new TreeSet<>(coveredBy.keySet())
                .stream().filter(uri -> !stagedSet.contains(uri)).toList();
        if (!foreign.isEmpty()) {
            throw new BatchIncompleteException(what + ": chunk manifests name " + foreign.size()
                    + " sources that are not under s3://" + staging.bucket() + "/" + staging.prefix() + ": "
                    + named(foreign) + "; nothing was committed");
        }
        files.sort(Comparator.comparingInt(f -> ObjectKeys.fileIndex(f.key())));
        return files;
    }

    private static String named(List<String> uris) {
        String shown = String.join(", ", uris.subList(0, Math.min(NAMED, uris.size())));
        return uris.size() > NAMED ? shown + " (and " + (uris.size() - NAMED) + " more)" : shown;
    }

    /** Catalogs first, each in the order given, manifest last. */
    private CommitResult write(S3Client s3, Batch batch, List<FileResult> files, int sources) {
        DestinationConfig d = batch.destination();
        String modelPath = ObjectKeys.modelPath(d.prefix(), batch.model());
        List<String> partitions = files.stream()
                .map(f -> ObjectKeys.partitionOf(modelPath, f.key()))
                .distinct()
                .sorted()
                .toList();
        for (CatalogSpec spec : d.catalogs()) {
            try (TableCatalog catalog = catalogs.open(d, spec)) {
                catalog.register(
                        new TableDefinition(
                                spec.namespace(),
                                spec.tableFor(batch.model()),
                                d.bucket(),
                                modelPath,
                                batch.fileColumns()),
                        new CommittedBatch(batch.batchId(), batch.startedAt(), partitions, files));
            }
        }
        ObjectNode m = BatchManifest.content(mapper, batch, files, partitions, sources);
        String key = BatchManifest.key(d.prefix(), batch.model(), batch.startedAt(), batch.batchId());
        Manifests.put(s3, d, key, Manifests.bytes(mapper, m), "batch manifest");
        long rows = m.get("rows").asLong();
        long bytes = m.get("bytes").asLong();
        LOG.infof(
                "committed batch %s of model %s: %d files, %d rows, manifest s3://%s/%s",
                batch.batchId(), batch.model(), files.size(), rows, d.bucket(), key);
        return new CommitResult("committed", batch.batchId(), rows, bytes, files.size(), key, partitions);
    }
}
