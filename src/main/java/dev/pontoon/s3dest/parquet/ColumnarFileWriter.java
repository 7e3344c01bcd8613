package dev.pontoon.s3dest.parquet;

import dev.pontoon.s3dest.event.ColumnStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

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
    private final BytesInputCompressor compressor;
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

    ColumnarFileWriter(
            OutputFile out,
            MessageType schema,
            ParquetProperties properties,
            BytesInputCompressor compressor,
            CompressionCodecName codec,
            long rowGroupBytes,
            Map<String, String> metadata,
            Set<String> plainColumns)
            throws IOException {
        this.schema = schema;
        this.compressor = compressor;
        this.codec = codec;
        this.rowGroupBytes = rowGroupBytes;
        this.metadata = metadata;
        List<ColumnDescriptor> columns = schema.getColumns();
        this.chunks = new Chunk[columns.size()];
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
        // Three loops, not one over all chunks: each add() call site then sees a single class, which the JIT inlines.
        for (int k = 0; k < longChunks.length; k++) {
            int i = longColumns[k];
            LongChunk c = longChunks[k];
            for (int r = from; r < to; r++) {
                Row row = rows[r];
                if (row.present[i]) {
                    c.add(row, i);
                } else {
                    nullInto(c, i);
                }
            }
        }
        for (int k = 0; k < binaryChunks.length; k++) {
            int i = binaryColumns[k];
            BinaryChunk c = binaryChunks[k];
            for (int r = from; r < to; r++) {
                Row row = rows[r];
                if (row.present[i]) {
                    c.add(row, i);
                } else {
                    nullInto(c, i);
                }
            }
        }
        for (int k = 0; k < otherChunks.length; k++) {
            int i = otherColumns[k];
            Chunk c = otherChunks[k];
            for (int r = from; r < to; r++) {
                Row row = rows[r];
                if (row.present[i]) {
                    c.add(row, i);
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
            c.pages.clear();
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
                BytesInput compressed = BytesInput.copy(compressor.compress(dictionary));
                file.writeDictionaryPage(
                        new DictionaryPage(compressed, uncompressed, c.dictionarySize(), Encoding.PLAIN_DICTIONARY));
            }
            for (Page p : c.pages) {
                // v1 data pages of flat columns: one value (or null) a row
                file.writeDataPage(
                        p.rows,
                        p.uncompressedSize,
                        p.bytes,
                        p.statistics,
                        p.rows,
                        Encoding.BIT_PACKED,
                        c.optional ? Encoding.RLE : Encoding.BIT_PACKED,
                        p.encoding);
            }
            file.endColumn();
            c.resetChunk();
        }
        file.endBlock();
        lastGroupEnd = file.getPos();
        groupRows = 0;
    }

    private record Limits(
            int pageBytes,
            int dictionaryBytes,
            int pageRows,
            Set<String> plainColumns,
            BytesInputCompressor compressor) {}

    /** An encoded, compressed data page waiting for its row group to be written. */
    private record Page(
            int rows, int uncompressedSize, BytesInput bytes, Statistics<?> statistics, Encoding encoding) {}

    /** One column of the row group: the current page's values, levels, dictionary and bounds. */
    private abstract static class Chunk {
        /** How many pages' worth of plain values a dictionary-encoded page may hold before it is closed. */
        static final long RAW_PAGE_FACTOR = 4;

        final ColumnDescriptor descriptor;
        final PrimitiveType type;
        final boolean optional;
        final Limits limits;
        final String path;
        final List<Page> pages = new ArrayList<>();
        // Every per-column buffer starts small and grows with its first page: a model of 10,000 columns would
        // otherwise hold hundreds of megabytes of empty buffers before a row is written.
        final ByteSink encoded = new ByteSink(INITIAL_VALUES * 8);
        long pagesBytes;

        /** Whether this chunk still encodes with its dictionary. */
        boolean dictionaryOn;
        /** Whether any page of this chunk was written with the dictionary (so a dictionary page is due). */
        boolean usedDictionary;
        /** The first page of the chunk decides whether the dictionary pays. */
        boolean firstPage = true;

        /** Per row of the page: whether it holds a value (optional columns only). */
        boolean[] present = new boolean[INITIAL_VALUES];

        int rows;
        /** Values in the page (rows minus nulls). */
        int values;

        int[] ids = new int[INITIAL_VALUES];

        final boolean dictionaryCapable;

        Chunk(ColumnDescriptor descriptor, Limits limits, boolean dictionary) {
            this.dictionaryCapable = dictionary;
            this.descriptor = descriptor;
            this.type = descriptor.getPrimitiveType();
            this.optional = descriptor.getMaxDefinitionLevel() > 0;
            this.limits = limits;
            this.path = String.join(".", descriptor.getPath());
            this.dictionaryOn = dictionary && !limits.plainColumns().contains(path);
        }

        final void addNull() {
            growRows();
            present[rows++] = false;
            endValue();
        }

        abstract void add(Row row, int column);

        /**
         * Called once a row's value (or null) is in: closes the page when it is full. A dictionary page counts 4 bytes
         * a value, as parquet-java counts it, but this writer also holds the page's values themselves (for its bounds
         * and a fallback to plain): a page of long repeated values is closed once they reach
         * {@link #RAW_PAGE_FACTOR} pages' worth, so a column never buffers more than that.
         */
        final void endValue() {
            if (rows >= limits.pageRows()
                    || pageSize() >= limits.pageBytes()
                    || plainBytes() >= RAW_PAGE_FACTOR * limits.pageBytes()) {
                finishPage();
            }
        }

        /** The page's size as parquet-java estimates it: 4 bytes a dictionary id, else the plain values. */
        final long pageSize() {
            return dictionaryOn ? 4L * values : plainBytes();
        }

        final void growRows() {
            if (rows == present.length) {
                present = Arrays.copyOf(present, rows * 2);
            }
        }

        final void putId(int id) {
            if (values == ids.length) {
                ids = Arrays.copyOf(ids, values * 2);
            }
            ids[values] = id;
            // As parquet-java's FallbackValuesWriter, value by value: a dictionary that outgrows its limit is
            // dropped at once, and this page and the rest of the chunk are written plain.
            if (id == dictionarySize() - 1 && dictionaryBytes() > limits.dictionaryBytes()) {
                dictionaryOn = false;
                limits.plainColumns().add(path);
            }
        }

        /** The plain size of the page's values. */
        abstract long plainBytes();

        abstract long dictionaryBytes();

        abstract int dictionarySize();

        /** The dictionary's values in id order, PLAIN-encoded. */
        abstract byte[] dictionaryPage();

        /** The page's values, PLAIN-encoded, into {@link #encoded}. */
        abstract void writePlainValues();

        /** The page's statistics (null count, then its minimum and maximum if it has values). */
        abstract Statistics<?> pageStatistics(int nulls);

        /** Forgets the page's values. */
        abstract void resetPage();

        /** Forgets the dictionary (a new column chunk). */
        abstract void resetDictionary();

        long bufferedSize() {
            return pagesBytes + pageSize() + (dictionaryOn || usedDictionary ? dictionaryBytes() : 0);
        }

        /** Encodes the page, compresses it in one call and keeps it for the row group. */
        final void finishPage() {
            if (rows == 0) {
                return;
            }
            try {
                encodePage();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void encodePage() throws IOException {
            encoded.reset();
            if (optional) {
                writeLevels();
            }
            int valuesStart = encoded.size();
            boolean useDictionary = false;
            if (dictionaryOn) {
                writeIds();
                long idBytes = encoded.size() - valuesStart;
                // As parquet-java: the first page keeps the dictionary only if dictionary and ids beat plain values.
                boolean pays = !firstPage || idBytes + dictionaryBytes() < plainBytes();
                if (!pays) {
                    dictionaryOn = false;
                    limits.plainColumns().add(path);
                } else {
                    useDictionary = true;
                }
            }
            Encoding encoding = Encoding.PLAIN_DICTIONARY;
            if (useDictionary) {
                usedDictionary = true;
            } else {
                encoded.truncate(valuesStart);
                writePlainValues();
                encoding = Encoding.PLAIN;
            }
            firstPage = false;
            int nulls = rows - values;
            Statistics<?> statistics = pageStatistics(nulls);
            BytesInput raw = BytesInput.from(encoded.array(), 0, encoded.size());
            BytesInput compressed = BytesInput.copy(limits.compressor().compress(raw));
            pages.add(new Page(rows, encoded.size(), compressed, statistics, encoding));
            pagesBytes += compressed.size();
            rows = 0;
            values = 0;
            resetPage();
        }

        /** Definition levels of a v1 page: a 4-byte length, then RLE/bit-packed with bit width 1. */
        private void writeLevels() throws IOException {
            int at = encoded.size();
            encoded.writeIntLE(0);
            RunLengthBitPackingHybridEncoder levels = new RunLengthBitPackingHybridEncoder(
                    1, 64, Math.max(64, rows / 8 + 16), HeapByteBufferAllocator.getInstance());
            for (int r = 0; r < rows; r++) {
                levels.writeInt(present[r] ? 1 : 0);
            }
            byte[] levelBytes = levels.toBytes().toByteArray();
            levels.close();
            encoded.write(levelBytes, 0, levelBytes.length);
            encoded.setIntLE(at, levelBytes.length);
        }

        /** The page's dictionary ids: bit width, then RLE/bit-packed. */
        private void writeIds() throws IOException {
            int width = 32 - Integer.numberOfLeadingZeros(Math.max(0, dictionarySize() - 1));
            encoded.writeByte(width);
            RunLengthBitPackingHybridEncoder rle = new RunLengthBitPackingHybridEncoder(
                    width, 64, Math.max(64, values), HeapByteBufferAllocator.getInstance());
            for (int v = 0; v < values; v++) {
                rle.writeInt(ids[v]);
            }
            byte[] idBytes = rle.toBytes().toByteArray();
            rle.close();
            encoded.write(idBytes, 0, idBytes.length);
        }

        void resetChunk() {
            pages.clear();
            pagesBytes = 0;
            usedDictionary = false;
            firstPage = true;
            dictionaryOn = dictionaryCapable && !limits.plainColumns().contains(path);
            resetDictionary();
        }
    }

    /** BOOLEAN: plain, bit-packed (no dictionary, as parquet-java). */
    private static final class BooleanChunk extends Chunk {
        private boolean[] page = new boolean[INITIAL_VALUES];
        private boolean sawFalse;
        private boolean sawTrue;

        BooleanChunk(ColumnDescriptor d, Limits limits) {
            super(d, limits, false);
        }

        @Override
        void add(Row row, int column) {
            growRows();
            present[rows++] = true;
            if (values == page.length) {
                page = Arrays.copyOf(page, values * 2);
            }
            boolean v = row.longs[column] != 0;
            page[values++] = v;
            if (v) {
                sawTrue = true;
            } else {
                sawFalse = true;
            }
            endValue();
        }

        @Override
        long plainBytes() {
            return (values + 7) / 8;
        }

        @Override
        long dictionaryBytes() {
            return 0;
        }

        @Override
        int dictionarySize() {
            return 0;
        }

        @Override
        byte[] dictionaryPage() {
            throw new IllegalStateException("booleans have no dictionary");
        }

        @Override
        void writePlainValues() {
            int b = 0;
            int bit = 0;
            for (int v = 0; v < values; v++) {
                if (page[v]) {
                    b |= 1 << bit;
                }
                if (++bit == 8) {
                    encoded.writeByte(b);
                    b = 0;
                    bit = 0;
                }
            }
            if (bit > 0) {
                encoded.writeByte(b);
            }
        }

        @Override
        Statistics<?> pageStatistics(int nulls) {
            Statistics<?> s = Statistics.createStats(type);
            s.incrementNumNulls(nulls);
            if (sawFalse) {
                s.updateStats(false);
            }
            if (sawTrue) {
                s.updateStats(true);
            }
            return s;
        }

        @Override
        void resetPage() {
            sawFalse = false;
            sawTrue = false;
        }

        @Override
        void resetDictionary() {}
    }

    /** A column of 4- or 8-byte values whose dictionary is keyed by their bits (integers, floats). */
    private abstract static class FixedWidthChunk extends Chunk {
        final int width;
        final LongDictionary dictionary = new LongDictionary();

        FixedWidthChunk(ColumnDescriptor d, Limits limits, int width) {
            super(d, limits, true);
            this.width = width;
        }

        /** Little-endian: the low 4 bytes of {@code bits} for a 4-byte column, else all 8. */
        final void writeBits(ByteSink out, long bits) {
            if (width == 4) {
                out.writeIntLE((int) bits);
            } else {
                out.writeLongLE(bits);
            }
        }

        @Override
        final long plainBytes() {
            return (long) values * width;
        }

        @Override
        final long dictionaryBytes() {
            return (long) dictionary.size() * width;
        }

        @Override
        final int dictionarySize() {
            return dictionary.size();
        }

        @Override
        final byte[] dictionaryPage() {
            ByteSink out = new ByteSink(dictionary.size() * width);
            for (int i = 0; i < dictionary.size(); i++) {
                writeBits(out, dictionary.value(i));
            }
            return out.toByteArray();
        }

        @Override
        final void resetPage() {}

        @Override
        final void resetDictionary() {
            dictionary.clear();
        }
    }

    /** INT32 and INT64: values as longs, signed bounds kept in the loop. */
    private static final class LongChunk extends FixedWidthChunk {
        private long[] page = new long[INITIAL_VALUES];
        private long min;
        private long max;

        LongChunk(ColumnDescriptor d, Limits limits, int width) {
            super(d, limits, width);
        }

        @Override
        void add(Row row, int column) {
            growRows();
            present[rows++] = true;
            long v = width == 4 ? (int) row.longs[column] : row.longs[column];
            if (values == page.length) {
                page = Arrays.copyOf(page, values * 2);
            }
            if (values > 0 && v == page[values - 1]) {
                // the previous value again (a column set once for every row, a run): its id, already bounded
                if (dictionaryOn) {
                    putId(ids[values - 1]);
                }
            } else {
                if (values == 0) {
                    min = v;
                    max = v;
                } else if (v < min) {
                    min = v;
                } else if (v > max) {
                    max = v;
                }
                if (dictionaryOn) {
                    putId(dictionary.idOf(v));
                }
            }
            page[values++] = v;
            endValue();
        }

        @Override
        void writePlainValues() {
            for (int v = 0; v < values; v++) {
                writeBits(encoded, page[v]);
            }
        }

        @Override
        Statistics<?> pageStatistics(int nulls) {
            Statistics<?> s = Statistics.createStats(type);
            s.incrementNumNulls(nulls);
            if (values > 0) {
                if (width == 4) {
                    s.updateStats((int) min);
                    s.updateStats((int) max);
                } else {
                    s.updateStats(min);
                    s.updateStats(max);
                }
            }
            return s;
        }
    }

    /**
     * FLOAT and DOUBLE: values as doubles, the dictionary keyed by their bits; bounds by parquet-java's own
     * statistics, value by value, so NaN and signed zeros are treated exactly as it treats them.
     */
    private static final class DoubleChunk extends FixedWidthChunk {
        private double[] page = new double[INITIAL_VALUES];

        DoubleChunk(ColumnDescriptor d, Limits limits, int width) {
            super(d, limits, width);
        }

        private long bits(double v) {
            return width == 4 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v);
        }

        @Override
        void add(Row row, int column) {
            growRows();
            present[rows++] = true;
            double v = width == 4 ? (float) row.doubles[column] : row.doubles[column];
            if (values == page.length) {
                page = Arrays.copyOf(page, values * 2);
            }
            if (dictionaryOn) {
                putId(dictionary.idOf(bits(v)));
            }
            page[values++] = v;
            endValue();
        }

        @Override
        void writePlainValues() {
            for (int v = 0; v < values; v++) {
                writeBits(encoded, bits(page[v]));
            }
        }

        @Override
        Statistics<?> pageStatistics(int nulls) {
            Statistics<?> s = Statistics.createStats(type);
            s.incrementNumNulls(nulls);
            for (int v = 0; v < values; v++) {
                if (width == 4) {
                    s.updateStats((float) page[v]);
                } else {
                    s.updateStats(page[v]);
                }
            }
            return s;
        }
    }

    /**
     * BINARY and FIXED_LEN_BYTE_ARRAY: the page's bytes in one arena, a dictionary over byte ranges, bounds by the
     * column's own comparator (unsigned bytes for strings and binary, signed for fixed-width decimals).
     */
    private static final class BinaryChunk extends Chunk {
        /** A fixed-width decimal: parquet-java compares it as a two's complement number, not as unsigned bytes. */
        private final boolean fixed;

        private byte[] arena = new byte[INITIAL_VALUES * 16];
        private int arenaUsed;
        private int[] starts = new int[INITIAL_VALUES];
        private int[] lengths = new int[INITIAL_VALUES];
        private int minIndex;
        private int maxIndex;
        /** The first 8 bytes of the minimum and maximum, big-endian, zero-padded: most comparisons end there. */
        private long minPrefix;

        private long maxPrefix;
        /** Per dictionary id, the page it was last seen in: a value already seen in the page cannot move a bound. */
        private int[] seenInPage = new int[64];

        private int page = 1;
        private final BytesDictionary dictionary = new BytesDictionary();
        /** The previous value's object, when it came as one (not copied into the row's byte area). */
        private Binary lastBinary;

        BinaryChunk(ColumnDescriptor d, Limits limits) {
            super(d, limits, true);
            this.fixed = d.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
        }

        @Override
        void add(Row row, int column) {
            growRows();
            present[rows++] = true;
            Binary b = row.binaries[column];
            byte[] src;
            int from;
            int length;
            if (b != null) {
                src = b.getBytesUnsafe();
                from = 0;
                length = src.length;
            } else {
                src = row.bytesArea();
                from = row.start(column);
                length = row.length(column);
            }
            if (arena.length - arenaUsed < length) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
            }
            System.arraycopy(src, from, arena, arenaUsed, length);
            if (values == starts.length) {
                starts = Arrays.copyOf(starts, values * 2);
                lengths = Arrays.copyOf(lengths, values * 2);
            }
            starts[values] = arenaUsed;
            lengths[values] = length;
            boolean known = false;
            if (dictionaryOn && b != null && b == lastBinary && values > 0) {
                // the previous row's own value object (a column set once for every row): its id, already bounded
                putId(ids[values - 1]);
                known = true;
            } else if (dictionaryOn) {
                int id = dictionary.idOf(arena, arenaUsed, length);
                putId(id);
                if (id >= seenInPage.length) {
                    seenInPage = Arrays.copyOf(seenInPage, Math.max(seenInPage.length * 2, id + 1));
                }
                known = seenInPage[id] == page;
                seenInPage[id] = page;
            }
            if (values == 0) {
                minIndex = 0;
                maxIndex = 0;
                minPrefix = prefix(arena, arenaUsed, length);
                maxPrefix = minPrefix;
            } else if (!known) {
                bound(values, prefix(arena, arenaUsed, length));
            }
            lastBinary = b;
            arenaUsed += length;
            values++;
            endValue();
        }

        /** Moves the page's bounds to value {@code v} if it lies outside them. */
        private void bound(int v, long prefix) {
            if (fixed) {
                if (compare(v, minIndex) < 0) {
                    minIndex = v;
                } else if (compare(v, maxIndex) > 0) {
                    maxIndex = v;
                }
                return;
            }
            int toMin = Long.compareUnsigned(prefix, minPrefix);
            if (toMin < 0 || (toMin == 0 && compare(v, minIndex) < 0)) {
                minIndex = v;
                minPrefix = prefix;
                return;
            }
            int toMax = Long.compareUnsigned(prefix, maxPrefix);
            if (toMax > 0 || (toMax == 0 && compare(v, maxIndex) > 0)) {
                maxIndex = v;
                maxPrefix = prefix;
            }
        }

        /**
         * Up to 8 leading bytes as a big-endian number, zero-padded: ordered as the values are (unsigned), and equal
         * prefixes leave the order to the full comparison.
         */
        private static long prefix(byte[] b, int from, int length) {
            long p = 0;
            int n = Math.min(8, length);
            for (int i = 0; i < n; i++) {
                p = (p << 8) | (b[from + i] & 0xFF);
            }
            return p << (8 * (8 - n));
        }

        private int compare(int a, int b) {
            int aFrom = starts[a];
            int bFrom = starts[b];
            if (fixed && lengths[a] > 0 && lengths[b] > 0 && arena[aFrom] != arena[bFrom]) {
                return Byte.compare(arena[aFrom], arena[bFrom]);
            }
            return Arrays.compareUnsigned(arena, aFrom, aFrom + lengths[a], arena, bFrom, bFrom + lengths[b]);
        }

        @Override
        long plainBytes() {
            return arenaUsed + (fixed ? 0 : 4L * values);
        }

        @Override
        long dictionaryBytes() {
            return dictionary.bytes() + (fixed ? 0 : 4L * dictionary.size());
        }

        @Override
        int dictionarySize() {
            return dictionary.size();
        }

        @Override
        byte[] dictionaryPage() {
            ByteSink out = new ByteSink((int) dictionaryBytes());
            for (int i = 0; i < dictionary.size(); i++) {
                if (!fixed) {
                    out.writeIntLE(dictionary.length(i));
                }
                out.write(dictionary.arena(), dictionary.start(i), dictionary.length(i));
            }
            return out.toByteArray();
        }

        @Override
        void writePlainValues() {
            for (int v = 0; v < values; v++) {
                if (!fixed) {
                    encoded.writeIntLE(lengths[v]);
                }
                encoded.write(arena, starts[v], lengths[v]);
            }
        }

        @Override
        Statistics<?> pageStatistics(int nulls) {
            Statistics<?> s = Statistics.createStats(type);
            s.incrementNumNulls(nulls);
            if (values > 0) {
                s.updateStats(Binary.fromConstantByteArray(
                        Arrays.copyOfRange(arena, starts[minIndex], starts[minIndex] + lengths[minIndex])));
                s.updateStats(Binary.fromConstantByteArray(
                        Arrays.copyOfRange(arena, starts[maxIndex], starts[maxIndex] + lengths[maxIndex])));
            }
            return s;
        }

        @Override
        void resetPage() {
            page++;
            arenaUsed = 0;
            if (arena.length > (8 << 20)) {
                arena = new byte[INITIAL_VALUES * 16];
            }
        }

        @Override
        void resetDictionary() {
            dictionary.clear();
            Arrays.fill(seenInPage, 0);
            page = 1;
        }
    }

    /** Distinct long values in first-seen order, found by open addressing with Fibonacci hashing. */
    static final class LongDictionary {
        private long[] keys = new long[16];
        private int[] slots = new int[32]; // id + 1, 0 for empty
        private int shift = 64 - 5;
        private int size;

        int idOf(long v) {
            int mask = slots.length - 1;
            // The product's top bits mix every bit of the value (its low bits would not: sequences and
            // multiples of powers of two share them).
            int h = (int) ((v * 0x9E3779B97F4A7C15L) >>> shift);
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    break;
                }
                if (keys[s - 1] == v) {
                    return s - 1;
                }
                h = (h + 1) & mask;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
            }
            keys[size] = v;
            slots[h] = ++size;
            if (size * 2 > slots.length) {
                rehash();
            }
            return size - 1;
        }

        private void rehash() {
            slots = new int[slots.length * 2];
            shift--;
            int mask = slots.length - 1;
            for (int i = 0; i < size; i++) {
                int h = (int) ((keys[i] * 0x9E3779B97F4A7C15L) >>> shift);
                while (slots[h] != 0) {
                    h = (h + 1) & mask;
                }
                slots[h] = i + 1;
            }
        }

        int size() {
            return size;
        }

        long value(int id) {
            return keys[id];
        }

        void clear() {
            if (slots.length > 1 << 16) {
                slots = new int[32];
                shift = 64 - 5;
                keys = new long[16];
            } else {
                Arrays.fill(slots, 0);
            }
            size = 0;
        }
    }

    /** Distinct byte strings in first-seen order, kept in one arena and found by open addressing. */
    static final class BytesDictionary {
        private byte[] arena = new byte[1 << 12];
        private int used;
        private int[] starts = new int[16];
        private int[] lengths = new int[16];
        private int[] hashes = new int[16];
        private int[] slots = new int[32];
        private int size;

        int idOf(byte[] src, int from, int length) {
            int hash = hash(src, from, length);
            int mask = slots.length - 1;
            int h = hash & mask;
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    break;
                }
                int id = s - 1;
                if (hashes[id] == hash
                        && lengths[id] == length
                        && Arrays.equals(arena, starts[id], starts[id] + length, src, from, from + length)) {
                    return id;
                }
                h = (h + 1) & mask;
            }
            if (arena.length - used < length) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + length));
            }
            System.arraycopy(src, from, arena, used, length);
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
                hashes = Arrays.copyOf(hashes, size * 2);
            }
            starts[size] = used;
            lengths[size] = length;
            hashes[size] = hash;
            used += length;
            slots[h] = ++size;
            if (size * 2 > slots.length) {
                rehash();
            }
            return size - 1;
        }

        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

        /** Eight bytes a step, each step multiplied in; the result's bits are mixed so any of them can index. */
        private static int hash(byte[] b, int from, int length) {
            long h = length * 0x9E3779B97F4A7C15L;
            int i = from;
            int end = from + length;
            for (; i + 8 <= end; i += 8) {
                h = (h ^ (long) LONGS.get(b, i)) * 0xBF58476D1CE4E5B9L;
            }
            long tail = 0;
            for (int shift = 0; i < end; i++, shift += 8) {
                tail |= (b[i] & 0xFFL) << shift;
            }
            h = (h ^ tail) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
            return (int) (h ^ (h >>> 32));
        }

        private void rehash() {
            slots = new int[slots.length * 2];
            int mask = slots.length - 1;
            for (int i = 0; i < size; i++) {
                int h = hashes[i] & mask;
                while (slots[h] != 0) {
                    h = (h + 1) & mask;
                }
                slots[h] = i + 1;
            }
        }

        int size() {
            return size;
        }

        long bytes() {
            return used;
        }

        byte[] arena() {
            return arena;
        }

        int start(int id) {
            return starts[id];
        }

        int length(int id) {
            return lengths[id];
        }

        void clear() {
            if (slots.length > 1 << 16 || arena.length > 8 << 20) {
                slots = new int[32];
                arena = new byte[1 << 12];
                starts = new int[16];
                lengths = new int[16];
                hashes = new int[16];
            } else {
                Arrays.fill(slots, 0);
            }
            used = 0;
            size = 0;
        }
    }
}
