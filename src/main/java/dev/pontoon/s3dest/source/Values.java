package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.parquet.ParquetSchema;
import dev.pontoon.s3dest.parquet.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import org.apache.parquet.io.api.Binary;

/**
 * Conversions from text and numbers to the stored form of SPEC §3, shared by every source format. Each throws
 * {@link IllegalArgumentException} with a short reason; callers add the row and column.
 */
public final class Values {
    private Values() {}

    /** {@code yyyy-MM-dd} to days since 1970-01-01. */
    public static int date(String text) {
        try {
            return Math.toIntExact(
                    LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).toEpochDay());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + clip(text) + "' is not a date (yyyy-MM-dd)");
        }
    }

    /** {@code HH:mm:ss[.ffffff]} to microseconds since midnight. */
    public static long time(String text) {
        try {
            return LocalTime.parse(text, DateTimeFormatter.ISO_LOCAL_TIME).getLong(ChronoField.MICRO_OF_DAY);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + clip(text) + "' is not a time (HH:mm:ss[.ffffff])");
        }
    }

    /** ISO-8601 with an offset ({@code Z}, {@code +02:00}) to microseconds since the epoch in UTC. */
    public static long timestampUtc(String text) {
        long fast = fastTimestamp(text, true);
        if (fast != NOT_FAST) {
            return fast;
        }
        try {
            return micros(OffsetDateTime.parse(withT(text), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + clip(text) + "' is not an ISO-8601 timestamp with offset (e.g. 2025-09-25T13:22:33.123Z)");
        }
    }

    /** ISO-8601 without an offset to microseconds since the epoch of that wall-clock time read as UTC. */
    public static long timestampNtz(String text) {
        long fast = fastTimestamp(text, false);
        if (fast != NOT_FAST) {
            return fast;
        }
        try {
            return micros(LocalDateTime.parse(withT(text), DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + clip(text)
                    + "' is not an ISO-8601 timestamp without offset (e.g. 2025-09-25T13:22:33.123456)");
        }
    }

    static final long NOT_FAST = Long.MIN_VALUE;

    /**
     * The common shape {@code yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}]} followed by {@code Z} or {@code ±HH:MM} (with
     * {@code offset}) or by nothing (without), read without java.time's parser, which costs more than the rest of a
     * row. Anything else, valid or not, returns {@link #NOT_FAST} and goes through java.time, which gives the errors.
     */
    private static long fastTimestamp(String s, boolean offset) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return fastTimestamp(b, 0, b.length, offset);
    }

    /**
     * {@link #fastTimestamp(String, boolean)} on ASCII bytes {@code b[from, to)}, for decoders that read bytes;
     * {@link #NOT_FAST} for anything else.
     */
    static long fastTimestamp(byte[] b, int from, int to, boolean offset) {
        int n = to - from;
        if (n < 19
                || b[from + 4] != '-'
                || b[from + 7] != '-'
                || (b[from + 10] != 'T' && b[from + 10] != ' ')
                || b[from + 13] != ':'
                || b[from + 16] != ':') {
            return NOT_FAST;
        }
        int year = digits(b, from, 4);
        int month = digits(b, from + 5, 2);
        int day = digits(b, from + 8, 2);
        int hour = digits(b, from + 11, 2);
        int minute = digits(b, from + 14, 2);
        int second = digits(b, from + 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59
                || day > monthLength(year, month)) {
            return NOT_FAST;
        }
        int pos = from + 19;
        long micros = 0;
        if (pos < to && b[pos] == '.') {
            int start = ++pos;
            while (pos < to && b[pos] >= '0' && b[pos] <= '9') {
                if (pos - start < 6) {
                    micros = micros * 10 + (b[pos] - '0');
                }
                pos++;
            }
            int count = pos - start;
            if (count == 0 || count > 9) {
                return NOT_FAST;
            }
            for (int i = count; i < 6; i++) {
                micros *= 10;
            }
        }
        long offsetSeconds = 0;
        if (offset) {
            if (pos == to - 1 && b[pos] == 'Z') {
                pos++;
            } else if (pos == to - 6 && (b[pos] == '+' || b[pos] == '-') && b[pos + 3] == ':') {
                int oh = digits(b, pos + 1, 2);
                int om = digits(b, pos + 4, 2);
                if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                    return NOT_FAST;
                }
                offsetSeconds = (b[pos] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
                pos += 6;
            } else {
                return NOT_FAST;
            }
        }
        if (pos != to) {
            return NOT_FAST;
        }
        long seconds = epochDay(year, month, day) * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1_000_000L + micros;
    }

    private static int monthLength(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-calendar formula, no objects). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** The non-negative number in {@code b[from, from+count)}, or -1 if any of it is not a digit. */
    private static int digits(byte[] b, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Microseconds since the epoch; digits past the microsecond are dropped (Parquet stores micros). */
    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    /**
     * The unscaled value of {@code value} at the column's scale. Exact: a value with more fraction digits than the
     * scale (other than trailing zeros) or more digits than the precision is rejected, never rounded.
     */
    public static BigInteger unscaled(BigDecimal value, ColumnType type) {
        if (value.signum() == 0) {
            return BigInteger.ZERO; // 0E+999999999 is zero: no digits to check
        }
        // The digits are counted before any arithmetic: 1E+999999999 would otherwise be expanded to a billion digits
        // (and 1E+2147483647 overflow an int). The message shows the value as given, never expanded. Only a value
        // written with more fraction digits than the scale is stripped, to see whether the extra ones are zeros.
        if (value.scale() > type.scale() && value.stripTrailingZeros().scale() > type.scale()) {
            throw new IllegalArgumentException(shown(value) + " has more than " + type.scale() + " fraction digits");
        }
        long integerDigits = (long) value.precision() - value.scale(); // trailing zeros do not change it
        if (integerDigits > type.precision() - type.scale()) {
            throw new IllegalArgumentException(shown(value) + " has more than " + (type.precision() - type.scale())
                    + " integer digits for " + type);
        }
        return value.setScale(type.scale(), RoundingMode.UNNECESSARY).unscaledValue();
    }

    /**
     * Every char of {@code text} is part of a Unicode scalar value: a lone surrogate (a {@code \\ud800} escape with
     * no pair) is an error, never the {@code ?} that encoding it as UTF-8 would store.
     */
    public static void checkScalars(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("holds a lone surrogate (\\u" + Integer.toHexString(c)
                        + " at character " + i + "), which is not a character and has no UTF-8 form");
            }
        }
    }

    /**
     * A number literal as a double or float column stores it: a literal beyond the type's range is an error, never
     * Infinity (only the words Infinity and NaN mean those). Underflow rounds to zero, as any double rounds.
     */
    public static double finite(double parsed, String literal, boolean toFloat) {
        if (Double.isInfinite(parsed) || toFloat && Float.isInfinite((float) parsed)) {
            throw new IllegalArgumentException(
                    clip(literal) + " is out of range for " + (toFloat ? "float" : "double"));
        }
        return parsed;
    }

    private static final java.util.regex.Pattern DECIMAL_SYNTAX =
            java.util.regex.Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    /**
     * A decimal from text (a CSV field, a JSON string, a JSON number's text). An exponent beyond what BigDecimal holds
     * is its own error, not "not a number".
     */
    public static BigDecimal parseDecimal(String text) {
        String t = text.trim();
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            if (DECIMAL_SYNTAX.matcher(t).matches()) {
                throw new IllegalArgumentException(
                        clip(t) + " is out of range for any number (its exponent is beyond ±2147483647)");
            }
            throw new IllegalArgumentException("'" + clip(text) + "' is not a decimal number");
        }
    }

    /** A decimal as written: plain when short, else in its scientific form (never a billion zeros). */
    private static String shown(BigDecimal value) {
        long exponent = (long) value.precision() - value.scale();
        return clip(Math.abs(exponent) <= 64 && value.precision() <= 64 ? value.toPlainString() : value.toString());
    }

    /** Stores an exact decimal in the slot its precision calls for: the unscaled long, or fixed-width bytes. */
    public static void setDecimal(Row row, int column, ColumnType type, BigDecimal value) {
        BigInteger unscaled = unscaled(value, type);
        if (type.precision() <= 18) {
            row.setLong(column, unscaled.longValue());
        } else {
            row.setBinary(column, Binary.fromConstantByteArray(fixedDecimal(unscaled, type.precision())));
        }
    }

    /** Big-endian two's complement of {@code unscaled}, sign-extended to the fixed width of the precision. */
    public static byte[] fixedDecimal(BigInteger unscaled, int precision) {
        int width = ParquetSchema.decimalBytes(precision);
        byte[] minimal = unscaled.toByteArray();
        byte[] out = new byte[width];
        byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0x00);
        int offset = width - minimal.length;
        for (int i = 0; i < offset; i++) {
            out[i] = pad;
        }
        System.arraycopy(minimal, 0, out, offset, minimal.length);
        return out;
    }

    /** SQL engines print a space where ISO-8601 has the 'T'; both are accepted. */
    private static String withT(String text) {
        if (text.length() > 10 && text.charAt(10) == ' ') {
            text = text.substring(0, 10) + 'T' + text.substring(11);
        }
        return dev.pontoon.s3dest.event.Iso8601.extendedOffset(text);
    }

    static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** A {@code varchar(n)}/{@code char(n)} value longer than n characters (code points) is an error, never cut. */
    static void checkLength(ColumnType type, String v) {
        int max = type.maxLength();
        if (max > 0 && v.length() > max && v.codePointCount(0, v.length()) > max) {
            throw new IllegalArgumentException("'" + clip(v) + "' is " + v.codePointCount(0, v.length())
                    + " characters; " + type + " allows at most " + max);
        }
    }

    /** Unicode code points in UTF-8 bytes {@code b[from, from + length)}: every byte that does not continue one. */
    static int codePoints(byte[] b, int from, int length) {
        int n = 0;
        for (int i = from; i < from + length; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                n++;
            }
        }
        return n;
    }
}
