package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.parquet.Row;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;

/**
 * The fast path for one line of JSONL: reads the bytes of a flat JSON object straight into a {@link Row}, with no
 * parser object, no {@code String} per value and no {@code BigDecimal} per decimal. It accepts only what it can
 * decode exactly as {@link JsonRowDecoder} would: strings (escapes included), integers (also as strings of digits),
 * decimals up to precision 18 without exponent (also as strings), doubles, booleans, nulls, the date and time types,
 * json values (their text handed to the same mapper) and nested values of fields the model does not name. Anything
 * else — a value out of range, a type error, invalid JSON or UTF-8 — makes {@link #decode} return false, and
 * the caller decodes the line again with {@link JsonRowDecoder}, which either accepts it or gives the error with
 * its message. So this class never reports an error and never needs to agree on one.
 */
final class JsonLineDecoder {
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final long[] LONG_POW10 = new long[19];

    static {
        LONG_POW10[0] = 1;
        for (int i = 1; i < LONG_POW10.length; i++) {
            LONG_POW10[i] = LONG_POW10[i - 1] * 10;
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Jackson's default nesting limit; the line's own object is the first level. */
    private static final int MAX_DEPTH = 200;

    private static final int UNKNOWN = -1;
    private static final int GIVE_UP = -2;

    private final ColumnSpec[] columns;
    private final ColumnType.Kind[] kinds;
    private final byte[][] names;
    /** Whether a column's name is written in JSON as its plain bytes (no character that needs an escape). */
    private final boolean[] plainName;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] seen;
    private final int maxString;
    /** For json columns: the value's text is parsed and written by it, as the general decoder does. */
    private final ObjectMapper mapper;
    private byte[] scratch = new byte[1024];

    private byte[] b;
    private int pos;
    private int end;
    /** Where the last string read by {@link #string()} is. */
    private byte[] text;
    private int textFrom;
    private int textLength;
    /** How many digits {@link #digits} read last. */
    private int run;
    /** The line's end while a number is read inside a string ({@link #enterString}). */
    private int outerEnd;
    /** Set by the number readers: false when the number is not one this class decodes. */
    private boolean ok;

    JsonLineDecoder(List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        this.mapper = mapper;
        int maxString = mapper.getFactory().streamReadConstraints().getMaxStringLength();
        this.columns = modelColumns.toArray(ColumnSpec[]::new);
        this.kinds = new ColumnType.Kind[columns.length];
        this.names = new byte[columns.length][];
        this.plainName = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            kinds[i] = columns[i].type().kind();
            names[i] = columns[i].name().getBytes(StandardCharsets.UTF_8);
            plainName[i] = columns[i].name().chars().noneMatch(ch -> ch == '\\' || ch == '"' || ch < 0x20);
            index.put(columns[i].name(), i);
        }
        this.seen = new boolean[columns.length];
        this.maxString = maxString;
    }

    /**
     * Decodes {@code line[start, end)} into {@code row}; false if the line must go to the general decoder (the row
     * may then hold some of this line's values, which the general decoder overwrites).
     */
    boolean decode(byte[] line, int start, int end, Row row) {
        this.b = line;
        this.pos = start;
        this.end = end;
        ws();
        if (at() != '{') {
            return false;
        }
        pos++;
        Arrays.fill(seen, false);
        row.clearBytes();
        int expected = 0;
        ws();
        if (at() == '}') {
            pos++;
        } else {
            while (true) {
                if (at() != '"') {
                    return false;
                }
                pos++;
                int column = field(expected);
                if (column == GIVE_UP || !colon()) {
                    return false;
                }
                if (column == UNKNOWN ? !skipValue(1) : !value(row, column)) {
                    return false;
                }
                if (column >= 0) {
                    seen[column] = true;
                    expected = column + 1;
                }
                ws();
                int c = at();
                pos++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    return false;
                }
                ws();
            }
        }
        ws();
        if (pos != end) {
            return false;
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                if (!columns[i].nullable()) {
                    return false;
                }
                row.setNull(i);
            }
        }
        return true;
    }

    /** Reads a field name after its opening quote; the column's index, {@link #UNKNOWN} or {@link #GIVE_UP}. */
    private int field(int expected) {
        // rows usually list the columns in the model's order: try the expected name in place first
        if (expected < names.length && plainName[expected]) {
            byte[] name = names[expected];
            int close = pos + name.length;
            if (close < end && b[close] == '"' && sameName(name, pos, name.length)) {
                pos = close + 1;
                return expected;
            }
        }
        int s = pos;
        boolean ascii = true;
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                break;
            }
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                return GIVE_UP;
            }
            ascii &= c >= 0;
            pos++;
        }
        if (pos >= end) {
            return GIVE_UP;
        }
        int len = pos - s;
        pos++;
        if (expected < names.length && sameName(names[expected], s, len)) {
            return expected;
        }
        Integer i = index.get(new String(b, s, len, StandardCharsets.UTF_8));
        if (i != null) {
            return i;
        }
        return ascii ? UNKNOWN : GIVE_UP;
    }

    /** A plain loop: names are short, and {@code Arrays.equals} on ranges costs more to set up than to run. */
    private boolean sameName(byte[] name, int s, int len) {
        if (name.length != len) {
            return false;
        }
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if ((long) LONGS.get(name, i) != (long) LONGS.get(b, s + i)) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (name[i] != b[s + i]) {
                return false;
            }
        }
        return true;
    }

    private boolean value(Row row, int column) {
        int c = at();
        if (c == 'n') {
            if (!literal("null") || !columns[column].nullable()) {
                return false;
            }
            row.setNull(column);
            return true;
        }
        switch (kinds[column]) {
            case BOOLEAN -> {
                if (c == 't' && literal("true")) {
                    row.setLong(column, 1);
                } else if (c == 'f' && literal("false")) {
                    row.setLong(column, 0);
                } else {
                    return false;
                }
            }
            case INT, BIGINT -> {
                // 64-bit ids often travel as strings of digits; the general decoder takes those too
                int close = c == '"' ? enterString() : -1;
                long v = integer();
                if (close >= 0 && !leaveString(close)) {
                    return false;
                }
                if (!ok || (kinds[column] == ColumnType.Kind.INT && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE))) {
                    return false;
                }
                row.setLong(column, v);
            }
            case DOUBLE, FLOAT -> {
                double v = number();
                if (!ok) {
                    return false;
                }
                row.setDouble(column, kinds[column] == ColumnType.Kind.FLOAT ? (float) v : v);
            }
            case DECIMAL -> {
                ColumnType type = columns[column].type();
                if (type.precision() > 18) {
                    return false;
                }
                int close = c == '"' ? enterString() : -1;
                long v = decimal(type.precision(), type.scale());
                if (close >= 0 && !leaveString(close)) {
                    return false;
                }
                if (!ok) {
                    return false;
                }
                row.setLong(column, v);
            }
            case JSON -> {
                // the value's own text, parsed and written by the mapper exactly as the general decoder does
                int start = pos;
                if (!skipValue(0)) {
                    return false;
                }
                try {
                    row.setBinary(column, Binary.fromString(mapper.writeValueAsString(mapper.readTree(b, start, pos - start))));
                } catch (java.io.IOException e) {
                    return false;
                }
            }
            case STRING -> {
                if (c != '"' || !string()) {
                    return false;
                }
                if (columns[column].type().maxLength() > 0
                        && Values.codePoints(text, textFrom, textLength) > columns[column].type().maxLength()) {
                    return false; // the general decoder reports it
                }
                row.setBytes(column, text, textFrom, textLength);
            }
            case TIMESTAMP, TIMESTAMP_NTZ -> {
                int close = c == '"' ? plainStringEnd() : -1;
                if (close < 0) {
                    return false;
                }
                long micros = Values.fastTimestamp(b, pos + 1, close, kinds[column] == ColumnType.Kind.TIMESTAMP);
                if (micros == Values.NOT_FAST) {
                    return dateOrTime(row, column);
                }
                row.setLong(column, micros);
                pos = close + 1;
            }
            case DATE, TIME -> {
                return c == '"' && dateOrTime(row, column);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Dates, times and the timestamps of unusual shape: through the text decoders of {@link Values}. */
    private boolean dateOrTime(Row row, int column) {
        String text = asciiString();
        if (text == null) {
            return false;
        }
        try {
            row.setLong(column, switch (kinds[column]) {
                case DATE -> Values.date(text);
                case TIME -> Values.time(text);
                case TIMESTAMP -> Values.timestampUtc(text);
                default -> Values.timestampNtz(text);
            });
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
        return true;
    }

    /**
     * Skips one JSON value, nested ones included, checking its syntax as strictly as Jackson would (so a line this
     * class accepts is one the general decoder accepts); false for anything wrong or nested deeper than Jackson's
     * limit.
     */
    private boolean skipValue(int depth) {
        int c = at();
        switch (c) {
            case '"' -> {
                return string();
            }
            case 't' -> {
                return literal("true");
            }
            case 'f' -> {
                return literal("false");
            }
            case 'n' -> {
                return literal("null");
            }
            case '{', '[' -> {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                int close = c == '{' ? '}' : ']';
                pos++;
                ws();
                if (at() == close) {
                    pos++;
                    return true;
                }
                while (true) {
                    if (c == '{' && (at() != '"' || !string() || !colon())) {
                        return false;
                    }
                    if (!skipValue(depth + 1)) {
                        return false;
                    }
                    ws();
                    int next = at();
                    pos++;
                    if (next == close) {
                        return true;
                    }
                    if (next != ',') {
                        return false;
                    }
                    ws();
                }
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                    return ok;
                }
                return false;
            }
        }
    }

    /** A JSON integer of at most 18 digits (anything longer, or with a fraction or exponent, is not ok). */
    private long integer() {
        ok = false;
        boolean negative = minus();
        int d0 = pos;
        long v = digits(0);
        if (run == 0 || run > 18 || (run > 1 && b[d0] == '0')) {
            return 0;
        }
        int c = at();
        if (c == '.' || c == 'e' || c == 'E') {
            return 0;
        }
        ok = true;
        return negative ? -v : v;
    }

    /**
     * A JSON number as the nearest double. Up to 18 significant digits with a power of ten within ±22 take
     * Clinger's exact path (both operands exact doubles, one correctly rounded operation); other numbers of up to
     * 18 digits take {@link EiselLemire}; what it cannot decide, and longer numbers, go through
     * {@link Double#parseDouble}, which is what the general decoder gives too.
     */
    private double number() {
        ok = false;
        int s = pos;
        boolean negative = minus();
        int d0 = pos;
        long m = digits(0);
        int intDigits = run;
        if (intDigits == 0 || (intDigits > 1 && b[d0] == '0')) {
            return 0;
        }
        int digits = intDigits;
        int exponent = 0;
        if (at() == '.') {
            pos++;
            m = digits(m);
            if (run == 0) {
                return 0;
            }
            digits += run;
            exponent = -run;
        }
        int c = at();
        if (c == 'e' || c == 'E') {
            pos++;
            boolean negativeExponent = at() == '-';
            if (negativeExponent || at() == '+') {
                pos++;
            }
            long e = digits(0);
            if (run == 0) {
                return 0;
            }
            e = run > 6 ? 1_000_000 : e; // far outside any double; parseDouble gives 0 or infinity
            exponent += (int) (negativeExponent ? -e : e);
        }
        ok = true;
        double v;
        if (digits > 18 || m > (1L << 53) || exponent < -22 || exponent > 22) {
            long bits = digits <= 18 && m != 0 ? EiselLemire.bits(m, exponent, negative) : EiselLemire.FAIL;
            return bits != EiselLemire.FAIL ? Double.longBitsToDouble(bits)
                    : Double.parseDouble(new String(b, s, pos - s, StandardCharsets.ISO_8859_1));
        }
        v = exponent < 0 ? m / POW10[-exponent] : m * POW10[exponent];
        // "-0" is an integer, and an integer zero has no sign: Jackson reads it as 0, so must this
        return negative && (m != 0 || pos - s > intDigits + 1) ? -v : v;
    }

    /**
     * A plain JSON number (no exponent) as the unscaled value of {@code decimal(precision, scale)}; not ok if it
     * has more fraction digits than the scale or more integer digits than the type allows.
     */
    private long decimal(int precision, int scale) {
        ok = false;
        boolean negative = minus();
        int d0 = pos;
        long whole = digits(0);
        int intDigits = run;
        if (intDigits == 0 || intDigits > 18 || (intDigits > 1 && b[d0] == '0')) {
            return 0;
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (at() == '.') {
            pos++;
            fraction = digits(0);
            fractionDigits = run;
            if (fractionDigits == 0 || fractionDigits > scale) {
                return 0;
            }
        }
        int c = at();
        if (c == 'e' || c == 'E' || (whole != 0 && intDigits > precision - scale)) {
            return 0;
        }
        ok = true;
        long unscaled = whole * LONG_POW10[scale] + fraction * LONG_POW10[scale - fractionDigits];
        return negative ? -unscaled : unscaled;
    }

    /** Steps over a leading minus sign; whether there was one. */
    private boolean minus() {
        boolean negative = at() == '-';
        if (negative) {
            pos++;
        }
        return negative;
    }

    /**
     * Reads the run of digits at pos onto {@code start} (as more digits of the same number; it wraps past 18 digits,
     * which callers refuse or do not use); the count is left in {@link #run}.
     */
    private long digits(long start) {
        int d0 = pos;
        long v = start;
        for (int d; pos < end && (d = b[pos] - '0') >= 0 && d <= 9; pos++) {
            v = v * 10 + d;
        }
        run = pos - d0;
        return v;
    }

    /**
     * Reads a string from its opening quote: its UTF-8 bytes, escapes decoded, are then {@code text[textFrom,
     * textFrom + textLength)} (the line itself, or the scratch buffer when there were escapes). False to give up.
     */
    private boolean string() {
        pos++;
        int s = pos;
        boolean ascii = true;
        // skip eight plain bytes at a time: no quote, no backslash, no control character, no byte >= 0x80
        while (pos + 8 <= end) {
            long w = (long) LONGS.get(b, pos);
            long quote = w ^ 0x2222222222222222L;
            long slash = w ^ 0x5C5C5C5C5C5C5C5CL;
            long special = ((quote - ONES) & ~quote) | ((slash - ONES) & ~slash) | ((w - 0x2020202020202020L) & ~w) | w;
            if ((special & HIGH_BITS) != 0) {
                break;
            }
            pos += 8;
        }
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                return escaped(s, ascii);
            }
            if (c >= 0 && c < 0x20) {
                return false;
            }
            ascii &= c >= 0;
            pos++;
        }
        if (pos >= end || pos - s > maxString || (!ascii && !Utf8.isValid(b, s, pos))) {
            return false;
        }
        text = b;
        textFrom = s;
        textLength = pos - s;
        pos++;
        return true;
    }

    /** The rest of a string that has escapes: decoded into the scratch buffer (never longer than the raw text). */
    private boolean escaped(int s, boolean asciiSoFar) {
        if (scratch.length < end - s) {
            scratch = new byte[Math.max(end - s, scratch.length * 2)];
        }
        int o = pos - s;
        System.arraycopy(b, s, scratch, 0, o);
        boolean ascii = asciiSoFar;
        while (pos < end) {
            byte c = b[pos++];
            if (c == '"') {
                if (o > maxString || (!ascii && !Utf8.isValid(scratch, 0, o))) {
                    return false;
                }
                text = scratch;
                textFrom = 0;
                textLength = o;
                return true;
            }
            if (c >= 0 && c < 0x20) {
                return false;
            }
            if (c != '\\') {
                ascii &= c >= 0;
                scratch[o++] = c;
                continue;
            }
            if (pos >= end) {
                return false;
            }
            switch (b[pos++]) {
                case '"' -> scratch[o++] = '"';
                case '\\' -> scratch[o++] = '\\';
                case '/' -> scratch[o++] = '/';
                case 'b' -> scratch[o++] = '\b';
                case 'f' -> scratch[o++] = '\f';
                case 'n' -> scratch[o++] = '\n';
                case 'r' -> scratch[o++] = '\r';
                case 't' -> scratch[o++] = '\t';
                case 'u' -> {
                    int cp = hex4();
                    if (cp < 0 || Character.isLowSurrogate((char) cp)) {
                        return false;
                    }
                    if (Character.isHighSurrogate((char) cp)) {
                        if (pos + 1 >= end || b[pos] != '\\' || b[pos + 1] != 'u') {
                            return false;
                        }
                        pos += 2;
                        int low = hex4();
                        if (low < 0 || !Character.isLowSurrogate((char) low)) {
                            return false;
                        }
                        cp = Character.toCodePoint((char) cp, (char) low);
                    }
                    o = Utf8.put(scratch, o, cp);
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /** Four hex digits as a value, or -1. */
    private int hex4() {
        if (pos + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos++], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** A string of plain ASCII without escapes (what dates and timestamps are), or null to give up. */
    private String asciiString() {
        int close = plainStringEnd();
        if (close < 0) {
            return null;
        }
        String text = new String(b, pos + 1, close - pos - 1, StandardCharsets.ISO_8859_1);
        pos = close + 1;
        return text;
    }

    /**
     * Steps inside a plain string (ASCII, no escapes) at pos so a number reader sees only its content; -1 (and
     * {@code ok} false, nothing moved) if the string is not plain. {@link #leaveString} steps out.
     */
    private int enterString() {
        int close = plainStringEnd();
        if (close < 0) {
            return -1;
        }
        outerEnd = end;
        end = close;
        pos++;
        return close;
    }

    /** Steps out of the string entered; false if the reader did not consume all of it. */
    private boolean leaveString(int close) {
        boolean whole = pos == close;
        end = outerEnd;
        pos = close + 1;
        return whole;
    }

    /** The index of the closing quote of a plain ASCII string without escapes that starts at pos, or -1. */
    private int plainStringEnd() {
        for (int i = pos + 1; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (pos + n > end) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += n;
        return true;
    }

    /** The colon after a field name, with the spaces around it; false if it is not there. */
    private boolean colon() {
        ws();
        if (at() != ':') {
            return false;
        }
        pos++;
        ws();
        return true;
    }

    private int at() {
        return pos < end ? b[pos] & 0xFF : -1;
    }

    private void ws() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }
}
