package dev.pontoon.s3dest.parquet;

import java.util.Arrays;

/** Distinct byte strings in first-seen order, kept in one arena and found by open addressing. */
final class BytesDictionary {
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
