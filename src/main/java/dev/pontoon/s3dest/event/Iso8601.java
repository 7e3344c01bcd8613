package dev.pontoon.s3dest.event;

/** ISO-8601 spellings java.time's ISO formatters refuse but the standard allows. */
public final class Iso8601 {
    private Iso8601() {}

    /**
     * The basic-format offset {@code +0900} as the extended {@code +09:00} that {@code ISO_OFFSET_DATE_TIME} reads
     * ({@code +09} and {@code +09:00} it already takes); anything else unchanged.
     */
    public static String extendedOffset(String text) {
        int n = text.length();
        if (n >= 5 + 11) {
            char sign = text.charAt(n - 5);
            if ((sign == '+' || sign == '-') && isDigits(text, n - 4, n) && text.indexOf('T') > 0) {
                return text.substring(0, n - 2) + ":" + text.substring(n - 2);
            }
        }
        return text;
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
