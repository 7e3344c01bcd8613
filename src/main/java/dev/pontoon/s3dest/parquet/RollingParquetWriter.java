package dev.pontoon.s3dest.parquet;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.CommittableFile;
import dev.pontoon.s3dest.event.Compression;
import dev.pontoon.s3dest.event.FileResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows into a sequence of Parquet files, starting a new file when the current one reaches the target size
 * or row count. Each file is committed only once its footer is written; {@link #abort(Throwable)} discards the file
 * in progress. It knows nothing of S3: files come from a {@link CommittableFile.Factory}.
 */
public final class RollingParquetWriter {
    /** Checking the size costs a pass over the column writers, so it is done every this many rows. */
    private static final int SIZE_CHECK_INTERVAL = 256;
    /** The row of {@link #write(Row)}, as a batch of one. */
    private final Row[] one = new Row[1];

    private final MessageType schema;
    private final WriterSettings settings;
    private final ParquetProperties properties;
    private final Codecs.PageCodec compressor;
    private final Map<String, String> metadata;
    private final IntFunction<String> keyForIndex;
    /** Columns whose dictionary did not pay: they start plain in later row groups and files (as parquet-java's own
     * fallback, remembered). */
    private final java.util.Set<String> plainColumns = new java.util.HashSet<>();

    private final CompressionCodecName codec;
    private final CommittableFile.Factory files;
    private final List<FileResult> done = new ArrayList<>();

    private int nextIndex;
    private CommittableFile file;
    private ColumnarFileWriter writer;
    /** The column chunks every file of this writer reuses; dropped when a file is abandoned mid-page. */
    private Chunk[] chunks;

    private String key;
    private long fileRows;

    /**
     * @param columns every column of the file, the pontoon columns included, in the order of the row's slots
     * @param keyForIndex the object key of the file with a given index
     */
    public RollingParquetWriter(
            String model,
            List<ColumnSpec> columns,
            WriterSettings settings,
            Compression compression,
            Map<String, String> metadata,
            int firstIndex,
            IntFunction<String> keyForIndex,
            CommittableFile.Factory files) {
        this.schema = ParquetSchema.messageType(model, List.copyOf(columns));
        this.settings = settings;
        this.properties = ParquetProperties.builder()
                .withPageSize(settings.pageBytes())
                .withDictionaryPageSize(settings.pageBytes())
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .build();
        this.codec = CompressionCodecName.valueOf(compression.name());
        this.compressor = Codecs.compressor(codec);
        // Sorted: Map.copyOf's iteration order changes with every JVM start, and the footer must be a pure function
        // of the event (SPEC §8), whatever process writes it.
        this.metadata = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(metadata));
        this.nextIndex = firstIndex;
        this.keyForIndex = keyForIndex;
        this.files = files;
    }

    public MessageType schema() {
        return schema;
    }

    public void write(Row row) throws IOException {
        one[0] = row;
        write(one, 0, 1);
    }

    /**
     * Writes {@code rows[from, to)}, rolling files exactly where writing them one by one would: at the row limit, or
     * at a size check (every {@link #SIZE_CHECK_INTERVAL} rows) that finds the file at its target size.
     */
    public void write(Row[] rows, int from, int to) throws IOException {
        while (from < to) {
            if (writer == null) {
                open();
            }
            long n = Math.min(to - from, SIZE_CHECK_INTERVAL - fileRows % SIZE_CHECK_INTERVAL);
            if (settings.maxFileRows() > 0) {
                n = Math.min(n, settings.maxFileRows() - fileRows);
            }
            writer.write(rows, from, from + (int) n);
            from += (int) n;
            fileRows += n;
            if ((settings.maxFileRows() > 0 && fileRows >= settings.maxFileRows())
                    || (fileRows % SIZE_CHECK_INTERVAL == 0 && writer.dataSize() >= settings.targetFileBytes())) {
                finishFile();
            }
        }
    }

    /** Completes the file in progress, if any, and returns every file written, in order. */
    public List<FileResult> finish() throws IOException {
        if (writer != null) {
            finishFile();
        }
        if (chunks != null) {
            for (Chunk c : chunks) {
                c.release();
            }
            chunks = null;
        }
        return List.copyOf(done);
    }

    /** Files completed so far (all of them visible). */
    public List<FileResult> completed() {
        return List.copyOf(done);
    }

    /** Whether the column has left its dictionary (see {@link ColumnarFileWriter}). */
    boolean writesPlain(String column) {
        return plainColumns.contains(column);
    }

    /** The index the next file would get. */
    public int nextIndex() {
        return nextIndex;
    }

    /**
     * Discards the file in progress; errors while discarding are added to {@code cause}.
     *
     * @return whether there was a file in progress to discard
     */
    public boolean abort(Throwable cause) {
        CommittableFile f = file;
        // The Parquet writer is abandoned, not closed: closing it would write a footer nobody will read.
        if (writer != null) {
            writer.abandon();
            chunks = null;
        }
        writer = null;
        file = null;
        if (f == null) {
            return false;
        }
        try {
            f.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
        return true;
    }

    private void open() throws IOException {
        key = keyForIndex.apply(nextIndex);
        file = files.open(key);
        if (chunks == null) {
            chunks = ColumnarFileWriter.chunks(schema, properties, compressor, plainColumns);
        }
        writer = new ColumnarFileWriter(
                file, schema, properties, chunks, compressor, codec, settings.rowGroupBytes(), metadata);
        fileRows = 0;
    }

    private void finishFile() throws IOException {
        List<dev.pontoon.s3dest.event.ColumnStats> stats = writer.close();
        writer = null;
        file.commit();
        done.add(new FileResult(key, fileRows, file.bytesWritten(), stats));
        file.close();
        file = null;
        nextIndex++;
    }
}
