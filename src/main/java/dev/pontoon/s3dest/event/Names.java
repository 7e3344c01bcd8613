package dev.pontoon.s3dest.event;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The rules for the names an event gives and the object layout uses (SPEC §2): bucket, prefix, model and batch id.
 * Checked once where the event enters; the keys built from them ({@code s3.ObjectKeys}) trust them.
 */
public final class Names {
    /** Names reserved for the columns every file gets (SPEC §3). */
    public static final String BATCH_ID_COLUMN = "pontoon__batch_id";

    public static final String SYNCED_AT_COLUMN = "pontoon__last_synced_at";

    /** The layout's partition key (SPEC §2): no model column may be named like it. */
    public static final String PARTITION_COLUMN = "dt";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private Names() {}

    /** Pontoon's default batch id: the transfer start instant in epoch milliseconds. */
    public static String defaultBatchId(Instant startedAt) {
        return Long.toString(startedAt.toEpochMilli());
    }

    /**
     * Trims leading and trailing slashes; rejects empty, {@code .} and {@code ..} segments inside, and control
     * characters. Null or blank means no prefix and gives the empty string.
     */
    public static String normalizePrefix(String field, String raw) {
        if (raw == null) {
            return "";
        }
        int start = 0;
        int end = raw.length();
        while (start < end && raw.charAt(start) == '/') {
            start++;
        }
        while (end > start && raw.charAt(end - 1) == '/') {
            end--;
        }
        String prefix = raw.substring(start, end);
        if (prefix.isEmpty()) {
            return "";
        }
        for (String segment : prefix.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidEventException(field + ": '" + raw + "' has an empty, '.' or '..' path segment");
            }
        }
        checkNoControl(field, prefix);
        if (prefix.length() > 512) {
            throw new InvalidEventException(field + ": longer than 512 characters");
        }
        return prefix;
    }

    /** Removes a literal leading {@code s3://} (nothing else) and checks S3's bucket naming rules. */
    public static String normalizeBucket(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidEventException(field + ": is required");
        }
        String bucket = raw.startsWith("s3://") ? raw.substring("s3://".length()) : raw;
        if (!BUCKET.matcher(bucket).matches()
                || bucket.contains("..")
                || IPV4.matcher(bucket).matches()
                || bucket.startsWith("xn--")
                || bucket.endsWith("-s3alias")
                || bucket.endsWith("--ol-s3")) {
            throw new InvalidEventException(field + ": '" + printable(bucket)
                    + "' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-', "
                    + "starting and ending with a letter or digit)");
        }
        return bucket;
    }

    /** The model name is one path segment: no '/', not '.' or '..', no control characters. */
    public static String checkModelName(String field, String model) {
        if (model == null || model.isEmpty()) {
            throw new InvalidEventException(field + ": is required");
        }
        if (model.contains("/") || model.equals(".") || model.equals("..")) {
            throw new InvalidEventException(
                    field + ": '" + printable(model) + "' must be one path segment (no '/', not '.' or '..')");
        }
        checkNoControl(field, model);
        if (model.length() > 255) {
            throw new InvalidEventException(field + ": longer than 255 characters");
        }
        return model;
    }

    /** Batch ids go into a file name: letters, digits, '.', '_' and '-' only. */
    public static String checkBatchId(String field, String batchId) {
        if (!BATCH_ID.matcher(batchId).matches()) {
            throw new InvalidEventException(field + ": '" + printable(batchId)
                    + "' may hold only letters, digits, '.', '_' and '-' (1-128 characters)");
        }
        return batchId;
    }

    private static void checkNoControl(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (isInvisible(value.charAt(i))) {
                throw new InvalidEventException(field + ": contains a control or invisible format character (U+"
                        + String.format("%04X", (int) value.charAt(i)) + ") at position " + (i + 1));
            }
        }
    }

    /**
     * A control character, or one that changes how a name displays without being seen: format characters (U+200B
     * zero width space, U+202E right-to-left override, U+FEFF) and the line and paragraph separators (U+2028/9).
     */
    static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String printable(String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), 80));
        for (int i = 0; i < value.length() && i < 80; i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
