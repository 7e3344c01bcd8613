package dev.pontoon.s3dest.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * BINARY and FIXED_LEN_BYTE_ARRAY: the page's bytes in one arena, a dictionary over byte ranges, bounds by the
 * column's own comparator (unsigned bytes for strings and binary, signed for fixed-width decimals).
 */
final class BinaryChunk extends Chunk {
    /** A fixed-width decimal: parquet-java compares it as a two's complement number, not as unsigned bytes. */
    private final boolean fixed;

    private byte[] arena = new byte[ColumnarFileWriter.INITIAL_VALUES * 16];
    private int arenaUsed;
    private int[] starts = new int[ColumnarFileWriter.INITIAL_VALUES];
    private int[] lengths = new int[ColumnarFileWriter.INITIAL_VALUES];
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
    void add(RowBatch batch, int row, int column) {
        Binary b = batch.binaries[column][row];
        if (b != null) {
            add(b);
        } else {
            add(batch.bytes, batch.starts[column][row], batch.lengths[column][row], null);
        }
    }

    /** A value that came as an object. */
    void add(Binary b) {
        byte[] src = b.getBytesUnsafe();
        add(src, 0, src.length, b);
    }

    /** {@code src[from, from + length)}; {@code b} is the object it came as, if it came as one. */
    void add(byte[] src, int from, int length, Binary b) {
        growRows();
        present[rows++] = true;
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
            arena = new byte[ColumnarFileWriter.INITIAL_VALUES * 16];
        }
    }

    @Override
    void resetDictionary() {
        dictionary.clear();
        Arrays.fill(seenInPage, 0);
        page = 1;
    }
}
