package dev.pontoon.s3dest.parquet;

import dev.pontoon.s3dest.event.ColumnStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file of flat {@link Row}s, encoded column by column by our own loops: each column buffers its current
 * page as primitive values, with its dictionary (an open-addressing table keyed by the value's bits or bytes), its
 * definition levels and its minimum and maximum kept as the rows arrive; a full page is encoded (PLAIN or
 * RLE_DICTIONARY ids, RLE/bit-packed levels), compressed in one call and held until its row group is written.
 * The file's layout, page headers, footer, statistics objects and column/offset indexes are parquet-java's
 * ({@link ParquetFileWriter}), so the output reads as parquet-java's own (v1 data pages, as the differential test's
 * reference writer, {@code RowFileWriter} in src/test, writes them).
 *
 * <p>Dictionary decisions follow parquet-java's: every column but booleans starts with a dictionary; after its
 * first page it keeps the dictionary only if dictionary plus ids are smaller than the plain values, and it falls
 * back to plain pages once the dictionary outgrows a page. A column that fell back is remembered in
 * {@code plainColumns} and starts plain in later row groups and files (as the test's
 * {@code AdaptiveDictionary} does).
 */
final class ColumnarFileWriter {
    /** Values a column's page buffers hold before they first grow (they double as a page fills). */
    static final int INITIAL_VALUES = 64;

    /** Buffered size is summed over the columns, so it is checked every this many rows. */
    private static final int SIZE_CHECK_INTERVAL = 128;

    private final MessageType schema;
    private final ParquetFileWriter file;
    private final Codecs.PageCodec compressor;
    private final CompressionCodecName codec;
    private final long rowGroupBytes;
    private final Map<String, String> metadata;
    private final Chunk[] chunks;
    /** The same chunks grouped by class, with their column indexes: each loop's calls stay monomorphic. */
    private final LongChunk[] longChunks;

    private final int[] longColumns;
    private final BinaryChunk[] binaryChunks;
    private final int[] binaryColumns;
    private final Chunk[] otherChunks;
    private final int[] otherColumns;
    private long groupRows;
    private long lastGroupEnd;
    /** The row of {@link #write(Row)}, as a batch of one. */
    private final Row[] one = new Row[1];

    /**
     * The column chunks of a file of {@code schema}. A writer leaves them empty when it closes, so the next file
     * of the same writer takes them with the buffers they grew (see {@link RollingParquetWriter}).
     */
    static Chunk[] chunks(
            MessageType schema, ParquetProperties properties, Codecs.PageCodec compressor, Set<String> plainColumns) {
        List<ColumnDescriptor> columns = schema.getColumns();
        Chunk[] chunks = new Chunk[columns.size()];
        int pageBytes = properties.getPageSizeThreshold();
        int dictionaryBytes = properties.getDictionaryPageSizeThreshold();
        int pageRows = properties.getPageRowCountLimit();
        for (int i = 0; i < chunks.length; i++) {
            ColumnDescriptor d = columns.get(i);
            Limits limits = new Limits(pageBytes, dictionaryBytes, pageRows, plainColumns, compressor);
            chunks[i] = switch (d.getPrimitiveType().getPrimitiveTypeName()) {
                case BOOLEAN -> new BooleanChunk(d, limits);
                case INT32 -> new LongChunk(d, limits, 4);
                case INT64 -> new LongChunk(d, limits, 8);
                case FLOAT -> new DoubleChunk(d, limits, 4);
                case DOUBLE -> new DoubleChunk(d, limits, 8);
                case BINARY, FIXED_LEN_BYTE_ARRAY -> new BinaryChunk(d, limits);
                default -> throw new IllegalStateException("unexpected physical type " + d.getPrimitiveType());
            };
        }
        return chunks;
    }

    /** A file with chunks of its own. */
    ColumnarFileWriter(
            OutputFile out,
            MessageType schema,
            ParquetProperties properties,
            Codecs.PageCodec compressor,
            CompressionCodecName codec,
            long rowGroupBytes,
            Map<String, String> metadata,
            Set<String> plainColumns)
            throws IOException {
        this(
                out,
                schema,
                properties,
                chunks(schema, properties, compressor, plainColumns),
                compressor,
                codec,
                rowGroupBytes,
                metadata);
    }

    /** @param chunks from {@link #chunks}, empty (new, or left so by a writer that closed) */
    ColumnarFileWriter(
            OutputFile out,
            MessageType schema,
            ParquetProperties properties,
            Chunk[] chunks,
            Codecs.PageCodec compressor,
            CompressionCodecName codec,
            long rowGroupBytes,
            Map<String, String> metadata)
            throws IOException {
        this.schema = schema;
        this.compressor = compressor;
        this.codec = codec;
        this.rowGroupBytes = rowGroupBytes;
        this.metadata = metadata;
        this.chunks = chunks;
        List<Integer> longs = new ArrayList<>();
        List<Integer> binaries = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < chunks.length; i++) {
            (chunks[i] instanceof LongChunk ? longs : chunks[i] instanceof BinaryChunk ? binaries : others).add(i);
        }
        this.longColumns = longs.stream().mapToInt(Integer::intValue).toArray();
        this.longChunks = longs.stream().map(i -> (LongChunk) chunks[i]).toArray(LongChunk[]::new);
        this.binaryColumns = binaries.stream().mapToInt(Integer::intValue).toArray();
        this.binaryChunks = binaries.stream().map(i -> (BinaryChunk) chunks[i]).toArray(BinaryChunk[]::new);
        this.otherColumns = others.stream().mapToInt(Integer::intValue).toArray();
        this.otherChunks = others.stream().map(i -> chunks[i]).toArray(Chunk[]::new);
        this.file = new ParquetFileWriter(
                out, schema, ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, 0, null, properties);
        file.start();
    }

    /** Writes one row (as a batch of one). */
    void write(Row row) throws IOException {
        one[0] = row;
        write(one, 0, 1);
    }

    /**
     * Writes {@code rows[from, to)} column by column: each column's loop runs over the rows with its chunk's state
     * at hand. The row group is still cut where row-by-row writing would cut it (its size checked every
     * {@link #SIZE_CHECK_INTERVAL} rows), and each column closes its pages at the same values, so the bytes are the
     * same as writing the rows one by one.
     */
    void write(Row[] rows, int from, int to) throws IOException {
        while (from < to) {
            int n = (int) Math.min(to - from, SIZE_CHECK_INTERVAL - groupRows % SIZE_CHECK_INTERVAL);
            encode(rows, from, from + n);
            from += n;
            groupRows += n;
            if (groupRows % SIZE_CHECK_INTERVAL == 0 && bufferedSize() >= rowGroupBytes) {
                flushRowGroup();
            }
        }
    }

    private void encode(Row[] rows, int from, int to) {
        if (RowBatch.consecutive(rows, from, to)) {
            // the transfer's case: a run of one batch's rows, read column by column from the batch's arrays
            int first = rows[from].index;
            encode(rows[from].batch, first, first + (to - from));
        } else {
            for (int r = from; r < to; r++) {
                encode(rows[r].batch, rows[r].index, rows[r].index + 1);
            }
        }
    }

    /** Rows {@code [from, to)} of {@code batch}, each column's values in row order. */
    private void encode(RowBatch batch, int from, int to) {
        // Three loops, not one over all chunks: each add() call site then sees a single class, which the JIT inlines.
        for (int k = 0; k < longChunks.length; k++) {
            int i = longColumns[k];
            LongChunk c = longChunks[k];
            boolean[] present = batch.present[i];
            long[] values = batch.longs[i];
            for (int r = from; r < to; r++) {
                if (present[r]) {
                    c.add(values[r]);
                } else {
                    nullInto(c, i);
                }
            }
        }
        for (int k = 0; k < binaryChunks.length; k++) {
            int i = binaryColumns[k];
            BinaryChunk c = binaryChunks[k];
            boolean[] present = batch.present[i];
            Binary[] objects = batch.binaries[i];
            int[] starts = batch.starts[i];
            int[] lengths = batch.lengths[i];
            byte[] bytes = batch.bytes;
            for (int r = from; r < to; r++) {
                if (!present[r]) {
                    nullInto(c, i);
                } else if (objects[r] != null) {
                    c.add(objects[r]);
                } else {
                    c.add(bytes, starts[r], lengths[r], null);
                }
            }
        }
        for (int k = 0; k < otherChunks.length; k++) {
            int i = otherColumns[k];
            Chunk c = otherChunks[k];
            boolean[] present = batch.present[i];
            for (int r = from; r < to; r++) {
                if (present[r]) {
                    c.add(batch, r, i);
                } else {
                    nullInto(c, i);
                }
            }
        }
    }

    private void nullInto(Chunk c, int column) {
        if (!c.optional) {
            throw new IllegalStateException("column " + schema.getFieldName(column) + " is required but has no value");
        }
        c.addNull();
    }

    private long bufferedSize() {
        long size = 0;
        for (Chunk c : chunks) {
            size += c.bufferedSize();
        }
        return size;
    }

    /** Bytes written to the file so far plus what is buffered for the current row group. */
    long dataSize() {
        return lastGroupEnd + bufferedSize();
    }

    /** Writes the last row group and the footer; returns what the footer says of each column. */
    List<ColumnStats> close() throws IOException {
        flushRowGroup();
        file.end(metadata);
        return FooterStats.of(file.getFooter());
    }

    /** Drops what is buffered without writing a footer (the caller discards the output). */
    void abandon() {
        for (Chunk c : chunks) {
            c.resetChunk();
        }
    }

    private void flushRowGroup() throws IOException {
        if (groupRows == 0) {
            return;
        }
        file.startBlock(groupRows);
        for (Chunk c : chunks) {
            c.finishPage();
            file.startColumn(c.descriptor, groupRows, codec);
            if (c.usedDictionary) {
                BytesInput dictionary = BytesInput.from(c.dictionaryPage());
                int uncompressed = Math.toIntExact(dictionary.size());
                BytesInput compressed = compressor.compress(dictionary);
                file.writeDictionaryPage(
                        new DictionaryPage(compressed, uncompressed, c.dictionarySize(), Encoding.PLAIN_DICTIONARY));
            }
            for (Page p : c.pages) {
                // v1 data pages of flat columns: one value (or null) a row
                file.writeDataPage(
                        p.rows(),
                        p.uncompressedSize(),
                        c.pageBytes(p),
                        p.statistics(),
                        p.rows(),
                        Encoding.BIT_PACKED,
                        c.optional ? Encoding.RLE : Encoding.BIT_PACKED,
                        p.encoding());
            }
            file.endColumn();
            c.resetChunk();
        }
        file.endBlock();
        lastGroupEnd = file.getPos();
        groupRows = 0;
    }
}
