package dev.pontoon.s3dest.parquet;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;

/**
 * The page areas of finished writers, kept for the next (a warm Lambda runs the same model again): a column's area
 * grows by doubling to the size of its row-group chunk, and starting from the area it had last time saves those
 * copies and the garbage. First in, first out, so columns in the same order get back areas of about their own size.
 * Softly held, and at most {@link #MAX_BYTES} in all: the collector takes them back before memory runs short.
 */
final class PageAreas {
    private static final long MAX_BYTES = 96L << 20;
    private static final int MAX_AREAS = 1024;

    private static final ArrayDeque<SoftReference<byte[]>> POOL = new ArrayDeque<>();
    private static long pooledBytes;

    private PageAreas() {}

    /** A kept area, or a new small one. */
    static ByteSink take() {
        synchronized (POOL) {
            for (SoftReference<byte[]> ref; (ref = POOL.pollFirst()) != null; ) {
                byte[] area = ref.get();
                if (area != null) {
                    pooledBytes -= area.length;
                    return new ByteSink(area);
                }
            }
            pooledBytes = 0; // every reference left was cleared
        }
        return new ByteSink(ColumnarFileWriter.INITIAL_VALUES * 8);
    }

    /** Keeps {@code area}'s array for a later writer, if there is room; its contents are never read again. */
    static void give(ByteSink area) {
        byte[] array = area.array();
        synchronized (POOL) {
            if (POOL.size() < MAX_AREAS && pooledBytes + array.length <= MAX_BYTES) {
                POOL.addLast(new SoftReference<>(array));
                pooledBytes += array.length;
            }
        }
    }
}
