package dev.pontoon.s3dest.source;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How often each source field that matches no declared column was seen (SPEC §4: a CSV header field or a JSON key
 * the model does not name is reported per name, never dropped without a word). One per transfer, filled by every
 * decoding thread through its own {@link Tally}.
 *
 * <p>Bounded and deterministic: at most {@value #MAX_NAMES} names are kept, the first in sort order, each with its
 * exact count; when more names were seen, {@link #truncated()} says so. Which names are kept does not depend on the
 * order threads report them: a name is only ever evicted for {@value #MAX_NAMES} smaller ones, which stay.
 */
public final class UnmatchedFields {
    /** Names kept per transfer. */
    public static final int MAX_NAMES = 100;
    /** A name longer than this is reported clipped (a hostile key is not echoed whole). */
    static final int MAX_NAME_CHARS = 128;

    private final TreeMap<String, Long> counts = new TreeMap<>();
    private boolean truncated;

    /** Adds {@code n} sightings of {@code name}. */
    public synchronized void add(String name, long n) {
        String shown = name.length() > MAX_NAME_CHARS ? name.substring(0, MAX_NAME_CHARS) + "…" : name;
        counts.merge(shown, n, Long::sum);
        if (counts.size() > MAX_NAMES) {
            counts.pollLastEntry();
            truncated = true;
        }
    }

    /** The names and their counts, in name order. */
    public synchronized SortedMap<String, Long> counts() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(counts));
    }

    /** Whether more than {@value #MAX_NAMES} names were seen (only the first in name order are kept). */
    public synchronized boolean truncated() {
        return truncated;
    }

    public synchronized boolean isEmpty() {
        return counts.isEmpty();
    }

    /** A thread's own tally, flushed into the shared one when its piece is done (or when it fills). */
    public Tally tally() {
        return new Tally(this);
    }

    /**
     * One decoding thread's counts, without a lock or a {@code String} per sighting: names are kept as the bytes the
     * line spelt them with. A line's names are held aside until the line is accepted ({@link #commitLine}), so a
     * line one decoder declines and another decodes again is counted once.
     */
    public static final class Tally {
        private static final int SLOTS = 64;
        private final UnmatchedFields into;
        private final byte[][] names = new byte[SLOTS][];
        private final long[] seen = new long[SLOTS];
        private int used;
        private final int[] pendingStart = new int[SLOTS];
        private final int[] pendingLength = new int[SLOTS];
        private byte[] pendingBytes;
        private int pending;

        private Tally(UnmatchedFields into) {
            this.into = into;
        }

        private final java.util.HashMap<String, Long> byString = new java.util.HashMap<>();

        /** Counts one sighting of a name given as a string. */
        public void count(String name) {
            if (byString.size() == SLOTS && !byString.containsKey(name)) {
                flush();
            }
            byString.merge(name, 1L, Long::sum);
        }

        /**
         * Holds aside the name in {@code b[start, start + length)} until the line is accepted; false when the line
         * already named it (a key twice, which the general decoder refuses) or holds more names than are held aside
         * (the line is then left to the general decoder).
         */
        boolean pending(byte[] b, int start, int length) {
            if (pendingBytes != b) {
                pending = 0;
                pendingBytes = b;
            }
            if (pending == SLOTS) {
                return false;
            }
            for (int p = 0; p < pending; p++) {
                if (java.util.Arrays.equals(
                        b, pendingStart[p], pendingStart[p] + pendingLength[p], b, start, start + length)) {
                    return false;
                }
            }
            pendingStart[pending] = start;
            pendingLength[pending] = length;
            pending++;
            return true;
        }

        /** Forgets the names held aside for a line that was declined. */
        void dropLine() {
            pending = 0;
        }

        /** Counts the names held aside: their line was accepted. */
        void commitLine() {
            for (int p = 0; p < pending; p++) {
                countBytes(pendingBytes, pendingStart[p], pendingLength[p]);
            }
            pending = 0;
        }

        private void countBytes(byte[] b, int start, int length) {
            for (int i = 0; i < used; i++) {
                if (java.util.Arrays.equals(names[i], 0, names[i].length, b, start, start + length)) {
                    seen[i]++;
                    return;
                }
            }
            if (used == SLOTS) {
                flush();
            }
            names[used] = java.util.Arrays.copyOfRange(b, start, start + length);
            seen[used++] = 1;
        }

        /** Hands the counts to the shared tally. */
        public void flush() {
            for (int i = 0; i < used; i++) {
                into.add(new String(names[i], StandardCharsets.UTF_8), seen[i]);
                names[i] = null;
            }
            used = 0;
            byString.forEach(into::add);
            byString.clear();
        }
    }

    /** Nothing unmatched: for sources that have no field names of their own. */
    public static UnmatchedFields none() {
        return new UnmatchedFields();
    }
}
