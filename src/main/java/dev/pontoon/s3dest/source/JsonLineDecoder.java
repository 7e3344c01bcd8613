package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.parquet.Row;
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
 *
 * <p>Three layers, one object: {@link JsonCursor} steps through the bytes (whitespace, literals, strings),
 * {@link JsonNumbers} reads numbers, and this class maps fields to the model's columns and values to the row.
 */
final class JsonLineDecoder extends JsonNumbers {
    private static final int UNKNOWN = -1;
    private static final int GIVE_UP = -2;

    private final ColumnSpec[] columns;
    private final ColumnType.Kind[] kinds;
    private final byte[][] names;
    /** Whether a column's name is written in JSON as its plain bytes (no character that needs an escape). */
    private final boolean[] plainName;
    /**
     * The column expected after each column ({@code [columns.length]}: the first of a line), learned from the lines
     * before: objects from one writer list their keys in one order, the model's or another (alphabetical, say), and
     * a key found where it was expected needs no lookup. Only speed depends on it, never a value.
     */
    private final int[] next;

    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] seen;
    /** A varchar(n)/char(n) column's bound in characters; 0 for none. */
    private final int[] maxLength;
    /** For json columns: the value's text is parsed and written by it, as the general decoder does. */
    private final ObjectMapper mapper;

    /** Whether a key that matches no declared column is an error ({@code "unknown_fields": "error"}). */
    private boolean rejectUnknown;

    /** The same decoder, leaving a row with an unknown key to the general decoder, which refuses it. */
    JsonLineDecoder rejectingUnknown(boolean reject) {
        this.rejectUnknown = reject;
        return this;
    }

    /** Where keys that match no declared column are counted; null: not counted. */
    private UnmatchedFields.Tally unmatched;

    /** The start and length of the last field name {@link #field} found to match no column. */
    private int unknownStart;

    private int unknownLength;

    /** The same decoder, counting keys that match no declared column into {@code tally}. */
    JsonLineDecoder countingUnmatched(UnmatchedFields.Tally tally) {
        this.unmatched = tally;
        return this;
    }

    JsonLineDecoder(List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        super(mapper.getFactory().streamReadConstraints().getMaxStringLength());
        this.mapper = mapper;
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
        this.next = new int[columns.length + 1];
        next[columns.length] = 0;
        for (int i = 0; i < columns.length; i++) {
            next[i] = i + 1; // until a line says otherwise: the model's order
        }
        this.seen = new boolean[columns.length];
        this.maxLength = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            maxLength[i] = columns[i].type().maxLength();
        }
    }

    /**
     * Decodes {@code line[start, end)} into {@code row}; false if the line must go to the general decoder (the row
     * may then hold some of this line's values, which the general decoder overwrites).
     */
    boolean decode(byte[] line, int start, int end, Row row) {
        boolean decoded = decodeLine(line, start, end, row);
        if (unmatched != null) {
            if (decoded) {
                unmatched.commitLine();
            } else {
                unmatched.dropLine();
            }
        }
        return decoded;
    }

    private boolean decodeLine(byte[] line, int start, int end, Row row) {
        reset(line, start, end);
        ws();
        if (at() != '{') {
            return false;
        }
        pos++;
        Arrays.fill(seen, false);
        row.clearBytes();
        int previous = columns.length;
        int expected = next[previous];
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
                if (column == GIVE_UP
                        || !colon()
                        || column >= 0 && seen[column]
                        || column == UNKNOWN && rejectUnknown) {
                    return false; // a column given twice is an error the general decoder names
                }
                if (column == UNKNOWN && unmatched != null && !unmatched.pending(b, unknownStart, unknownLength)) {
                    return false;
                }
                if (column == UNKNOWN ? !skipValue(1) : !value(row, column)) {
                    return false;
                }
                if (column >= 0) {
                    seen[column] = true;
                    next[previous] = column;
                    previous = column;
                    expected = next[column];
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
        // rows list their keys in the order the line before did (at first, the model's): try that name in place first
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
        unknownStart = s;
        unknownLength = len;
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
                // An out-of-range literal is left to the general decoder, which names it.
                if (!ok
                        || Double.isInfinite(v)
                        || kinds[column] == ColumnType.Kind.FLOAT && Float.isInfinite((float) v)) {
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
                    row.setBinary(
                            column,
                            Binary.fromString(mapper.writeValueAsString(mapper.readTree(b, start, pos - start))));
                } catch (java.io.IOException e) {
                    return false;
                }
            }
            case STRING -> {
                if (c != '"' || !string()) {
                    return false;
                }
                if (maxLength[column] > 0 && Values.codePoints(text, textFrom, textLength) > maxLength[column]) {
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
            row.setLong(
                    column,
                    switch (kinds[column]) {
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
}
