package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * The names each object of an event may hold (SPEC §4): a name outside them is a misspelling or a field this
 * version does not know, and silently applying a default in its place would land the wrong data.
 */
final class KnownFields {
    private KnownFields() {}

    /**
     * Fails on the first field of {@code object} not in {@code known}, naming its path and, when one is close, the
     * field it probably meant.
     *
     * @param path the object's own path ("destination", "model.columns[2]"), or "" for the top level
     */
    static void check(JsonNode object, String path, Set<String> known) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                String closest = closest(name, known);
                throw new InvalidEventException((path.isEmpty() ? "" : path + ".") + name + ": unknown field"
                        + (closest == null
                                ? " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"
                                : "; did you mean '" + closest + "'?"));
            }
        }
    }

    /** The known name within a small edit distance of {@code name} (ignoring case, '-' for '_'), if any. */
    static String closest(String name, Set<String> known) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : new java.util.TreeSet<>(known)) {
            int d = distance(n, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, n.length() / 4));
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
