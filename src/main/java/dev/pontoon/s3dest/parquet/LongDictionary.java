package dev.pontoon.s3dest.parquet;

import java.util.Arrays;

/** Distinct long values in first-seen order, found by open addressing with Fibonacci hashing. */
final class LongDictionary {
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
