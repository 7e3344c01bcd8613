package dev.pontoon.s3dest.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.TransferEvent;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.parquet.ParquetSchema;
import dev.pontoon.s3dest.parquet.RollingParquetWriter;
import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.ObjectKeys;
import dev.pontoon.s3dest.s3.ObjectTarget;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3Errors;
import dev.pontoon.s3dest.s3.S3OutputFile;
import dev.pontoon.s3dest.source.ColumnInference;
import dev.pontoon.s3dest.source.InlineRowSource;
import dev.pontoon.s3dest.source.RowSource;
import dev.pontoon.s3dest.source.Values;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.parquet.io.api.Binary;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Connects a transfer's row source to the rolling Parquet writer and the S3 files, and builds the result. On any
 * failure the file in progress is aborted, so only whole files are ever visible.
 */
public final class TransferService {
    private static final Logger LOG = Logger.getLogger(TransferService.class);

    private final WriterSettings writerSettings;
    private final int partSize;
    private final S3ClientFactory clients;
    private final ObjectMapper mapper;
    private final ExecutorService uploader;

    public TransferService(WriterSettings writerSettings, int partSize, S3ClientFactory clients, ObjectMapper mapper,
            ExecutorService uploader) {
        this.writerSettings = writerSettings;
        this.partSize = partSize;
        this.clients = clients;
        this.mapper = mapper;
        this.uploader = uploader;
    }

    public TransferResult transfer(TransferEvent event) {
        long started = System.nanoTime();
        DestinationConfig destination = event.destination();
        String model = event.model().name();
        List<ColumnSpec> modelColumns = event.model().columns().isEmpty()
                ? ColumnInference.infer(event.rows())
                : event.model().columns();
        if (modelColumns.isEmpty()) {
            throw new InvalidEventException("model.columns: none declared and none found in the rows");
        }
        List<ColumnSpec> fileColumns = ParquetSchema.withPontoonColumns(modelColumns);
        Row row = new Row(fileColumns.size());
        // The two pontoon columns hold the same values in every row; sources fill only the model's slots.
        row.setBinary(modelColumns.size(), Binary.fromString(event.batchId()));
        row.setLong(modelColumns.size() + 1, Values.micros(event.transferStartedAt()));

        try (S3Client s3 = clients.create(destination);
                RowSource source = openSource(event, modelColumns)) {
            RollingParquetWriter writer = new RollingParquetWriter(model, fileColumns, writerSettings,
                    destination.compression(),
                    Map.of("pontoon.model", model, "pontoon.batch_id", event.batchId()),
                    event.fileIndexStart(),
                    index -> ObjectKeys.dataKey(destination.prefix(), model, event.transferStartedAt(), event.batchId(), index),
                    key -> new S3OutputFile(s3, new ObjectTarget(destination.bucket(), key, ObjectTarget.PARQUET), partSize, uploader));
            List<FileResult> files;
            try {
                while (source.next(row)) {
                    writer.write(row);
                }
                files = writer.finish();
            } catch (Throwable t) {
                writer.abort(t);
                throw t;
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            TransferResult result = TransferResult.ok(model, event.batchId(), files, writer.nextIndex(), millis);
            LOG.infof("transfer %s of model %s batch %s: %d rows, %d bytes, %d files to s3://%s in %d ms",
                    event.transferId() == null ? "-" : event.transferId(), model, event.batchId(), result.rows(),
                    result.bytes(), files.size(), destination.bucket(), millis);
            return result;
        } catch (IOException e) {
            throw S3Errors.map(e, "write", destination.bucket(), ObjectKeys.modelPath(destination.prefix(), model));
        }
    }

    private RowSource openSource(TransferEvent event, List<ColumnSpec> modelColumns) {
        if (event.rows() != null) {
            return new InlineRowSource(event.rows(), modelColumns, mapper);
        }
        throw new InvalidEventException("source: staged source files are not supported yet; send inline 'rows'");
    }
}
