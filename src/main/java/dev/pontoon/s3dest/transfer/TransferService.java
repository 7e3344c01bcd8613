package dev.pontoon.s3dest.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.batch.ChunkManifest;
import dev.pontoon.s3dest.batch.Manifests;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.event.TransferEvent;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.parquet.ParquetSchema;
import dev.pontoon.s3dest.parquet.RollingParquetWriter;
import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.ObjectKeys;
import dev.pontoon.s3dest.s3.ObjectTarget;
import dev.pontoon.s3dest.s3.OpenUploads;
import dev.pontoon.s3dest.s3.S3CallStats;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3Errors;
import dev.pontoon.s3dest.s3.S3OutputFile;
import dev.pontoon.s3dest.source.ColumnInference;
import dev.pontoon.s3dest.source.InlineRowSource;
import dev.pontoon.s3dest.source.RowSource;
import dev.pontoon.s3dest.source.StagedRowSource;
import dev.pontoon.s3dest.source.UnmatchedFields;
import dev.pontoon.s3dest.source.Values;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.parquet.io.api.Binary;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Connects a transfer's row source to the rolling Parquet writer and the S3 files, and builds the result. On any
 * failure the file in progress is aborted, so only whole files are ever visible.
 */
public final class TransferService {
    private static final Logger LOG = Logger.getLogger(TransferService.class);
    /** A progress line at most this often during a long transfer. */
    private static final long PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

    private final WriterSettings writerSettings;
    private final int partSize;
    private final S3ClientFactory clients;
    private final ObjectMapper mapper;
    private final ExecutorService uploader;
    /** Runs each transfer's row decoding beside its encoding. */
    private final ExecutorService decoder = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "row-decoder");
        t.setDaemon(true);
        return t;
    });
    /** Fetches the next ranges of a staged object while its current one is decoded. */
    private final ExecutorService rangeReaders = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "source-range");
        t.setDaemon(true);
        return t;
    });

    private final java.util.function.Consumer<String> metricsSink;
    /** INFO for real transfers; DEBUG for a rehearsal, whose summary would only mislead an operator. */
    private final Logger.Level summaryLevel;
    /** Writes the batch manifest of an event that is a whole batch ({@code "commit": true}). */
    private final BatchCommitter committer;

    /** A service that writes no metrics line (tests, benchmarks, embedding). */
    public TransferService(
            WriterSettings writerSettings,
            int partSize,
            S3ClientFactory clients,
            ObjectMapper mapper,
            ExecutorService uploader) {
        this(writerSettings, partSize, clients, mapper, uploader, line -> {});
    }

    /** @param metricsSink receives the invocation's Embedded Metric Format line (stdout in Lambda) */
    public TransferService(
            WriterSettings writerSettings,
            int partSize,
            S3ClientFactory clients,
            ObjectMapper mapper,
            ExecutorService uploader,
            java.util.function.Consumer<String> metricsSink) {
        this(
                writerSettings,
                partSize,
                clients,
                mapper,
                uploader,
                metricsSink,
                new BatchCommitter(clients, mapper, new Catalogs(clients)));
    }

    /** @param committer writes the batch manifest (and the catalogs) of an event with {@code "commit": true} */
    public TransferService(
            WriterSettings writerSettings,
            int partSize,
            S3ClientFactory clients,
            ObjectMapper mapper,
            ExecutorService uploader,
            java.util.function.Consumer<String> metricsSink,
            BatchCommitter committer) {
        this.writerSettings = writerSettings;
        this.partSize = partSize;
        this.clients = clients;
        this.mapper = mapper;
        this.uploader = uploader;
        this.metricsSink = metricsSink;
        this.summaryLevel = Logger.Level.INFO;
        this.committer = committer;
    }

    private TransferService(
            TransferService template, WriterSettings writerSettings, int partSize, S3ClientFactory clients) {
        this.writerSettings = writerSettings;
        this.partSize = partSize;
        this.clients = clients;
        this.mapper = template.mapper;
        this.uploader = template.uploader;
        this.metricsSink = line -> {};
        this.summaryLevel = Logger.Level.DEBUG;
        this.committer = new BatchCommitter(clients, mapper, new Catalogs(clients));
    }

    /**
     * A service for rehearsals (SnapStart priming): the same code path with the given client factory and sizes, no
     * metrics line, and its summary and progress at DEBUG.
     */
    public TransferService rehearsal(S3ClientFactory clients, WriterSettings writerSettings, int partSize) {
        return new TransferService(this, writerSettings, partSize, clients);
    }

    /** What one run did so far, for the metrics line whatever the outcome. */
    private static final class Run {
        final S3CallStats stats = new S3CallStats();
        long rows;
        List<FileResult> files = List.of();
        int abortedUploads;
    }

    public TransferResult transfer(TransferEvent event) {
        return transfer(event, Deadline.NONE);
    }

    /** Runs the transfer, stopping cleanly (uploads aborted) if {@code deadline} passes first. */
    public TransferResult transfer(TransferEvent event, Deadline deadline) {
        long started = System.nanoTime();
        MDC.put("transfer_id", String.valueOf(event.transferId()));
        MDC.put("model", event.model().name());
        MDC.put("batch_id", event.batchId());
        Run run = new Run();
        boolean failed = true;
        try {
            TransferResult result = run(event, deadline, run, started);
            failed = false;
            return result;
        } finally {
            long bytes = run.files.stream().mapToLong(FileResult::bytes).sum();
            metricsSink.accept(TransferMetrics.emf(
                    mapper,
                    new TransferMetrics.Figures(
                            event.model().name(),
                            event.transferId(),
                            event.batchId(),
                            run.rows,
                            bytes,
                            run.files.size(),
                            (System.nanoTime() - started) / 1_000_000,
                            run.stats.retries(),
                            run.abortedUploads,
                            failed),
                    System.currentTimeMillis()));
            MDC.remove("transfer_id");
            MDC.remove("model");
            MDC.remove("batch_id");
        }
    }

    /** One transfer: columns, then rows into files, then what makes the chunk whole (sweep, manifest, commit). */
    private TransferResult run(TransferEvent event, Deadline deadline, Run run, long started) {
        DestinationConfig destination = event.destination();
        String model = event.model().name();
        // A columnar source without declared columns takes its first object's schema (SPEC §13), read below.
        boolean fromSourceSchema =
                event.source() != null && event.model().columns().isEmpty();
        List<ColumnSpec> declared = fromSourceSchema ? null : modelColumns(event);
        checkStaging(event);
        ObjectKeys.checkLength(destination.prefix(), model, event.transferStartedAt(), event.batchId());
        if (event.commit()) {
            committer.checkCatalog(destination);
        }
        try (S3Client s3 = clients.create(destination, run.stats);
                S3Client sourceS3 = sourceClient(event, s3)) {
            List<ColumnSpec> modelColumns =
                    fromSourceSchema ? StagedRowSource.sourceColumns(sourceS3, event.source()) : declared;
            return write(event, deadline, run, started, s3, sourceS3, modelColumns);
        }
    }

    /** The rows into files, then what makes the chunk whole, with the model's columns known. */
    private TransferResult write(
            TransferEvent event,
            Deadline deadline,
            Run run,
            long started,
            S3Client s3,
            S3Client sourceS3,
            List<ColumnSpec> modelColumns) {
        DestinationConfig destination = event.destination();
        String model = event.model().name();
        List<ColumnSpec> fileColumns = ParquetSchema.withPontoonColumns(modelColumns);
        try (RowSource source = openSource(event, modelColumns, sourceS3)) {
            RollingParquetWriter writer = openWriter(event, fileColumns, s3);
            List<FileResult> files = writeRows(
                    event, source, writer, pontoonColumns(event, modelColumns.size()), deadline, run, started);
            run.abortedUploads += abortLeftBehind(s3, event, writer.nextIndex());
            UnmatchedFields unmatched = source.unmatchedFields();
            if (!unmatched.isEmpty()) {
                LOG.warnf(
                        "source fields that match no declared column (skipped): %s%s",
                        unmatched.counts(), unmatched.truncated() ? " and more" : "");
            }
            writeManifest(s3, event, fileColumns, writer, files, unmatched);
            String batchManifest = event.commit()
                    ? committer
                            .commitWhole(s3, event, fileColumns, writer.schema(), files)
                            .manifest()
                    : null;
            long millis = (System.nanoTime() - started) / 1_000_000;
            TransferResult result = TransferResult.ok(
                    model,
                    event.batchId(),
                    files,
                    writer.nextIndex(),
                    millis,
                    batchManifest,
                    unmatched.counts(),
                    unmatched.truncated());
            LOG.logf(
                    summaryLevel,
                    "transfer %s of model %s batch %s: %d rows, %d bytes, %d files to s3://%s in %d ms (%.0f rows/s, %d retries)",
                    event.transferId() == null ? "-" : event.transferId(),
                    model,
                    event.batchId(),
                    result.rows(),
                    result.bytes(),
                    files.size(),
                    destination.bucket(),
                    millis,
                    result.rows() * 1000.0 / Math.max(1, millis),
                    run.stats.retries());
            return result;
        } catch (IOException e) {
            throw S3Errors.map(e, "write", destination.bucket(), ObjectKeys.modelPath(destination.prefix(), model));
        }
    }

    /** The declared columns, or those inferred from the inline rows. */
    private static List<ColumnSpec> modelColumns(TransferEvent event) {
        List<ColumnSpec> columns = event.model().columns().isEmpty()
                ? ColumnInference.infer(event.rows())
                : event.model().columns();
        if (columns.isEmpty()) {
            throw new InvalidEventException("model.columns: none declared and none found in the rows");
        }
        return columns;
    }

    /** The two pontoon columns hold the same values in every row; sources fill only the model's slots. */
    private static java.util.function.Consumer<Row> pontoonColumns(TransferEvent event, int modelColumns) {
        // An array-backed value: a string-backed one caches its bytes on first use, a branch the encoder's compiled
        // loop would see untaken in one transfer and taken at the start of the next (and be compiled again for it).
        Binary batchId =
                Binary.fromConstantByteArray(event.batchId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long syncedAt = Values.micros(event.transferStartedAt());
        return row -> {
            row.setBinary(modelColumns, batchId);
            row.setLong(modelColumns + 1, syncedAt);
        };
    }

    private RollingParquetWriter openWriter(TransferEvent event, List<ColumnSpec> fileColumns, S3Client s3) {
        DestinationConfig destination = event.destination();
        String model = event.model().name();
        return new RollingParquetWriter(
                model,
                fileColumns,
                writerSettings,
                destination.compression(),
                Map.of("pontoon.model", model, "pontoon.batch_id", event.batchId()),
                event.fileIndexStart(),
                index -> dataKey(event, index),
                key -> new S3OutputFile(
                        s3,
                        new ObjectTarget(destination.bucket(), key, ObjectTarget.PARQUET, destination.objects()),
                        partSize,
                        uploader));
    }

    /**
     * Decodes on one thread while this one encodes; every file completed on success. On any failure the file in
     * progress is aborted and the failure names the files that did complete.
     */
    private List<FileResult> writeRows(
            TransferEvent event,
            RowSource source,
            RollingParquetWriter writer,
            java.util.function.Consumer<Row> pontoonColumns,
            Deadline deadline,
            Run run,
            long started) {
        try (RowPipeline pipeline =
                new RowPipeline(source, decodeThreads(), writer.schema().getFieldCount(), pontoonColumns, decoder)) {
            long lastProgress = System.nanoTime();
            for (RowPipeline.Batch batch; (batch = pipeline.next()) != null; ) {
                writer.write(batch.rows(), 0, batch.count());
                run.rows += batch.count();
                pipeline.release(batch);
                if (System.nanoTime() - lastProgress >= PROGRESS_INTERVAL_NANOS) {
                    lastProgress = System.nanoTime();
                    LOG.logf(
                            summaryLevel,
                            "progress: %d rows, %d files complete, %.0f rows/s",
                            run.rows,
                            writer.completed().size(),
                            run.rows / ((lastProgress - started) / 1e9));
                }
                if (deadline.passed()) {
                    throw new DeadlineExceededException("stopped before the Lambda deadline after " + run.rows
                            + " rows; the file in progress was aborted");
                }
            }
            if (deadline.passed()) {
                throw new DeadlineExceededException("stopped before the Lambda deadline after " + run.rows
                        + " rows, before completing the last file; it was aborted");
            }
            List<FileResult> files = writer.finish();
            run.files = files;
            return files;
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                t = new DeadlineExceededException("interrupted while transferring", t);
            }
            if (writer.abort(t)) {
                run.abortedUploads++;
            }
            run.files = writer.completed();
            if (t instanceof Error error) {
                throw error;
            }
            throw Failures.withCompletedFiles(t, writer.completed());
        }
    }

    /**
     * How many threads decode the source's pieces (a staged JSONL object's blocks, a CSV object) at once:
     * {@code s3dest.decode-threads} (system property) or {@code S3DEST_DECODE_THREADS}, else one per processor (the
     * encoder, on the calling thread, waits for them often enough that it needs no core of its own: measured in
     * docs/BENCHMARKS.md). A Lambda function gets about one vCPU per 1,769 MB of memory.
     */
    static int decodeThreads() {
        String configured = System.getProperty("s3dest.decode-threads", System.getenv("S3DEST_DECODE_THREADS"));
        if (configured != null && !configured.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(configured.trim()));
            } catch (NumberFormatException e) {
                LOG.warnf("S3DEST_DECODE_THREADS=%s is not a number; decoding on one thread", configured);
                return 1;
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Every file of this attempt is complete, so an upload still open for one of its keys was left by an earlier
     * attempt of the same event whose sandbox died (SPEC §8): abort it.
     */
    private static int abortLeftBehind(S3Client s3, TransferEvent event, int nextIndex) {
        if (nextIndex == event.fileIndexStart()) {
            return 0;
        }
        DestinationConfig d = event.destination();
        java.util.Set<String> owned = new java.util.HashSet<>();
        for (int i = event.fileIndexStart(); i < nextIndex; i++) {
            owned.add(ObjectKeys.dataKey(
                    d.prefix(), event.model().name(), event.transferStartedAt(), event.batchId(), i));
        }
        String common =
                ObjectKeys.batchKeyPrefix(d.prefix(), event.model().name(), event.transferStartedAt(), event.batchId());
        return OpenUploads.abortLeftBehind(s3, d.bucket(), common, owned::contains);
    }

    /** The key of file {@code index}; a chunk of a batch may not reach the next chunk's first index. */
    private static String dataKey(TransferEvent event, int index) {
        if (index >= event.fileIndexLimit() && event.fileIndexLimit() != Integer.MAX_VALUE) {
            throw new InvalidEventException("this chunk would write file index " + index + ", which belongs to the "
                    + "next chunk: a chunk may write at most " + dev.pontoon.s3dest.event.EventParser.FILES_PER_SOURCE
                    + " files per staged object (raise s3dest.target-file-bytes or split the object)");
        }
        DestinationConfig d = event.destination();
        return ObjectKeys.dataKey(d.prefix(), event.model().name(), event.transferStartedAt(), event.batchId(), index);
    }

    /** After every data file is complete: the manifest that tells readers the chunk is whole. */
    private void writeManifest(
            S3Client s3,
            TransferEvent event,
            List<ColumnSpec> columns,
            RollingParquetWriter writer,
            List<FileResult> files,
            UnmatchedFields unmatched) {
        String key = ChunkManifest.key(event);
        byte[] body = ChunkManifest.content(
                mapper,
                event,
                columns,
                writer.schema(),
                files,
                writer.nextIndex(),
                event.source() == null ? List.of() : event.source().uris(),
                unmatched.counts(),
                unmatched.truncated());
        Manifests.put(s3, event.destination(), key, body, "manifest");
    }

    /** Every staged object must lie in the operator's staging (SPEC §12), checked before any request. */
    private void checkStaging(TransferEvent event) {
        if (event.source() == null) {
            return;
        }
        List<String> uris = event.source().uris();
        for (int i = 0; i < uris.size(); i++) {
            String rest = uris.get(i).substring("s3://".length());
            int slash = rest.indexOf('/');
            clients.policy()
                    .checkStaging("source.uris[" + i + "]", rest.substring(0, slash), rest.substring(slash + 1));
        }
    }

    private RowSource openSource(TransferEvent event, List<ColumnSpec> modelColumns, S3Client sourceS3) {
        if (event.rows() != null) {
            return new InlineRowSource(event.rows(), modelColumns, mapper);
        }
        return new StagedRowSource(sourceS3, event.source(), modelColumns, mapper, onAws(event) ? rangeReaders : null);
    }

    /**
     * Whether staged objects are read from AWS S3 itself, where one connection brings far less than the decoders
     * take, so objects are read in ranges on several. An S3-compatible endpoint gets one GET per object: its
     * bandwidth is not limited per connection the same way, and every ranged GET costs it a request (measured
     * against s3proxy: docs/BENCHMARKS.md).
     */
    private static boolean onAws(TransferEvent event) {
        URI endpoint = event.source().endpoint() != null
                ? event.source().endpoint()
                : event.destination().endpoint();
        return endpoint == null;
    }

    /**
     * Staged files are read with the destination's credentials; a source that names its own region or endpoint
     * gets a client of its own (closed with the transfer), else it shares the destination's.
     */
    private S3Client sourceClient(TransferEvent event, S3Client destinationClient) {
        SourceSpec source = event.source();
        if (source == null || (source.region() == null && source.endpoint() == null)) {
            return new SharedClient(destinationClient);
        }
        return clients.create(event.destination().at(source.region(), source.endpoint(), "source.endpoint_url"));
    }

    /** The destination's client lent to the source: closing it is the destination's business. */
    private static final class SharedClient extends software.amazon.awssdk.services.s3.DelegatingS3Client {
        SharedClient(S3Client delegate) {
            super(delegate);
        }

        @Override
        public void close() {}
    }
}
