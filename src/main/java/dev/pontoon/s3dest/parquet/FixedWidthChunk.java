package dev.pontoon.s3dest.parquet;

import org.apache.parquet.column.ColumnDescriptor;

/** A column of 4- or 8-byte values whose dictionary is keyed by their bits (integers, floats). */
abstract class FixedWidthChunk extends Chunk {
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
