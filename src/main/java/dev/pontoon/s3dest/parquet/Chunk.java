package dev.pontoon.s3dest.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.schema.PrimitiveType;

/** One column of the row group: the current page's values, levels, dictionary and bounds. */
abstract class Chunk {
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
    final ByteSink encoded = new ByteSink(ColumnarFileWriter.INITIAL_VALUES * 8);
    /**
     * The compressed pages of the row group, one after another (each {@link Page} says where): kept from row group
     * to row group and file to file, so a page is compressed straight into memory the collector already holds, not
     * into a new array that lives until its row group is written.
     */
    ByteSink pageArea = PageAreas.take();

    long pagesBytes;

    /** Whether this chunk still encodes with its dictionary. */
    boolean dictionaryOn;
    /** Whether any page of this chunk was written with the dictionary (so a dictionary page is due). */
    boolean usedDictionary;
    /** The first page of the chunk decides whether the dictionary pays. */
    boolean firstPage = true;

    /** Per row of the page: whether it holds a value (optional columns only). */
    boolean[] present = new boolean[ColumnarFileWriter.INITIAL_VALUES];

    int rows;
    /** Values in the page (rows minus nulls). */
    int values;

    int[] ids = new int[ColumnarFileWriter.INITIAL_VALUES];

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

    /** Adds the column's value in row {@code row} of {@code batch} (present there). */
    abstract void add(RowBatch batch, int row, int column);

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
        int offset = pageArea.size();
        int length = limits.compressor().compress(encoded.array(), encoded.size(), pageArea);
        pages.add(new Page(rows, encoded.size(), offset, length, statistics, encoding));
        pagesBytes += length;
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

    /** Hands the page area on to a later writer ({@link PageAreas}); the chunk is not used again. */
    void release() {
        pages.clear();
        PageAreas.give(pageArea);
        pageArea = null;
    }

    /** The bytes of one of {@link #pages}. */
    BytesInput pageBytes(Page page) {
        return BytesInput.from(pageArea.array(), page.offset(), page.length());
    }

    void resetChunk() {
        // A page area far larger than this row group needed (one unusual row group) is not kept for the rest.
        if (pageArea.array().length > Math.max(4L * pageArea.size(), 4L * limits.pageBytes())) {
            pageArea = new ByteSink(ColumnarFileWriter.INITIAL_VALUES * 8);
        } else {
            pageArea.reset();
        }
        pages.clear();
        pagesBytes = 0;
        usedDictionary = false;
        firstPage = true;
        dictionaryOn = dictionaryCapable && !limits.plainColumns().contains(path);
        resetDictionary();
    }
}
