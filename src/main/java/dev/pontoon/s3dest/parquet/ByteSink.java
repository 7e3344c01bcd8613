package dev.pontoon.s3dest.parquet;

import java.util.Arrays;

/** A growable byte buffer with little-endian writes: where a page's values are encoded before compression. */
final class ByteSink {
    private byte[] bytes;
    private int size;

    ByteSink(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** A sink over {@code array}, empty (what the array held is overwritten). */
    ByteSink(byte[] array) {
        bytes = array;
    }

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    void reset() {
        size = 0;
    }

    /** Drops what was written after {@code newSize}. */
    void truncate(int newSize) {
        size = newSize;
    }

    /** Makes room for {@code more} bytes after the end, for a writer that fills {@link #array()} itself. */
    void ensure(int more) {
        if (bytes.length - size < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    void writeIntLE(int v) {
        ensure(4);
        bytes[size] = (byte) v;
        bytes[size + 1] = (byte) (v >>> 8);
        bytes[size + 2] = (byte) (v >>> 16);
        bytes[size + 3] = (byte) (v >>> 24);
        size += 4;
    }

    void writeLongLE(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[size + i] = (byte) (v >>> (8 * i));
        }
        size += 8;
    }

    void write(byte[] src, int from, int length) {
        ensure(length);
        System.arraycopy(src, from, bytes, size, length);
        size += length;
    }

    /** Counts {@code n} bytes written into {@link #array()} after the end (after {@link #ensure}). */
    void advance(int n) {
        size += n;
    }

    /** Overwrites 4 bytes at {@code at} (a length prefix written before its content's size was known). */
    void setIntLE(int at, int v) {
        bytes[at] = (byte) v;
        bytes[at + 1] = (byte) (v >>> 8);
        bytes[at + 2] = (byte) (v >>> 16);
        bytes[at + 3] = (byte) (v >>> 24);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
