package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.JsonFields;
import dev.pontoon.s3dest.parquet.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.parquet.io.api.Binary;

/**
 * Decodes one JSON object into a {@link Row} by the model's columns (SPEC §3, "input accepted in JSON"), straight
 * from the parser's tokens: no tree per row, numbers read as the column needs them (a double never goes through
 * BigDecimal, a decimal never through double). Fields the model does not name are skipped; a column the object
 * lacks is null. Inline rows, already a tree, are read through a parser over that tree, so both paths share the
 * rules and the messages.
 */
public final class JsonRowDecoder {
    private final ColumnSpec[] columns;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] seen;
    private final ObjectMapper mapper;

    /** Whether a key that matches no declared column is an error ({@code "unknown_fields": "error"}). */
    private boolean rejectUnknown;

    /** The same decoder, refusing a key that matches no declared column when {@code reject}. */
    public JsonRowDecoder rejectingUnknown(boolean reject) {
        this.rejectUnknown = reject;
        return this;
    }

    /** Where keys that match no declared column are counted; null: not counted. */
    private UnmatchedFields.Tally unmatched;

    /** The same decoder, counting keys that match no declared column into {@code tally}. */
    public JsonRowDecoder countingUnmatched(UnmatchedFields.Tally tally) {
        this.unmatched = tally;
        return this;
    }

    public JsonRowDecoder(List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        this.columns = modelColumns.toArray(ColumnSpec[]::new);
        for (int i = 0; i < columns.length; i++) {
            index.put(columns[i].name(), i);
        }
        this.seen = new boolean[columns.length];
        this.mapper = mapper;
    }

    /**
     * @param where names the row for errors, e.g. {@code "rows[2] (row 3)"} or {@code "s3://b/k line 7"}; asked
     *     only when there is an error, so the per-row path builds no string
     */
    public void decode(JsonNode object, Row row, Supplier<String> where) {
        if (!object.isObject()) {
            throw new InvalidEventException(where.get() + ": must be a JSON object, got " + JsonFields.kind(object));
        }
        try (JsonParser p = object.traverse(mapper)) {
            p.nextToken();
            decode(p, row, where);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the object the parser stands on (its START_OBJECT) up to its END_OBJECT. */
    public void decode(JsonParser p, Row row, Supplier<String> where) throws IOException {
        Arrays.fill(seen, false);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            Integer i = index.get(p.currentName());
            JsonToken token = p.nextToken();
            if (i == null) {
                if (rejectUnknown) {
                    throw new InvalidEventException(where.get() + ": key '" + p.currentName()
                            + "' matches no declared column (source.unknown_fields is error)");
                }
                if (unmatched != null) {
                    unmatched.count(p.currentName());
                }
                p.skipChildren();
                continue;
            }
            seen[i] = true;
            ColumnSpec column = columns[i];
            if (token == JsonToken.VALUE_NULL) {
                setNull(row, i, where);
                continue;
            }
            try {
                set(row, i, column.type(), p, token);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new InvalidEventException(
                        where.get() + ", column " + column.name() + " (" + column.type() + "): " + e.getMessage());
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                setNull(row, i, where);
            }
        }
    }

    private void setNull(Row row, int i, Supplier<String> where) {
        if (!columns[i].nullable()) {
            throw new InvalidEventException(
                    where.get() + ", column " + columns[i].name() + ": null in a non-nullable column");
        }
        row.setNull(i);
    }

    private void set(Row row, int i, ColumnType type, JsonParser p, JsonToken t) throws IOException {
        switch (type.kind()) {
            case BOOLEAN -> {
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw wrong("true or false", p, t);
                }
                row.setLong(i, t == JsonToken.VALUE_TRUE ? 1 : 0);
            }
            case INT -> {
                long n = integer(p, t, "int");
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(n + " is out of range for int (-2147483648..2147483647)");
                }
                row.setLong(i, n);
            }
            case BIGINT -> row.setLong(i, integer(p, t, "bigint"));
            case FLOAT -> row.setDouble(i, (float) floating(p, t, true));
            case DOUBLE -> row.setDouble(i, floating(p, t, false));
            case DECIMAL -> {
                BigDecimal d;
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    d = Values.parseDecimal(p.getText());
                } else if (t == JsonToken.VALUE_STRING) {
                    try {
                        d = Values.parseDecimal(p.getText());
                    } catch (IllegalArgumentException e) {
                        if (e.getMessage().contains("out of range")) {
                            throw e;
                        }
                        throw wrong("a decimal number", p, t);
                    }
                } else {
                    throw wrong("a number or a numeric string", p, t);
                }
                Values.setDecimal(row, i, type, d);
            }
            case STRING -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw wrong("a string", p, t);
                }
                String text = p.getText();
                Values.checkLength(type, text);
                Values.checkScalars(text);
                row.setBinary(i, Binary.fromString(text));
            }
            case JSON -> {
                JsonNode value = mapper.readTree(p);
                try {
                    String json = mapper.writeValueAsString(value);
                    Values.checkScalars(json);
                    row.setBinary(i, Binary.fromString(json));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot be written as JSON text");
                }
            }
            case BINARY -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw wrong("a base64 string", p, t);
                }
                try {
                    row.setBinary(
                            i, Binary.fromConstantByteArray(Base64.getDecoder().decode(p.getText())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("is not valid base64");
                }
            }
            case DATE -> row.setLong(i, Values.date(text(p, t, "a date string yyyy-MM-dd")));
            case TIME -> row.setLong(i, Values.time(text(p, t, "a time string HH:mm:ss[.ffffff]")));
            case TIMESTAMP ->
                row.setLong(i, Values.timestampUtc(text(p, t, "an ISO-8601 timestamp string with offset")));
            case TIMESTAMP_NTZ -> row.setLong(i, Values.timestampNtz(text(p, t, "an ISO-8601 timestamp string")));
        }
    }

    /**
     * An integral JSON number in range, a number with a zero fraction, or a string of digits (64-bit ids often
     * travel as strings to survive JavaScript).
     */
    private static long integer(JsonParser p, JsonToken t, String type) throws IOException {
        BigInteger n;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
                return p.getLongValue();
            }
            n = p.getBigIntegerValue();
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal d = p.getDecimalValue();
            try {
                n = d.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(Values.clip(d.toPlainString()) + " is not an integer");
            }
        } else if (t == JsonToken.VALUE_STRING && isDigits(p.getText().trim())) {
            n = new BigInteger(p.getText().trim());
        } else {
            throw wrong("an integer", p, t);
        }
        if (n.bitLength() > 63) {
            throw new IllegalArgumentException(Values.clip(n.toString()) + " is out of range for " + type);
        }
        return n.longValue();
    }

    private static boolean isDigits(String s) {
        int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (s.length() == start || s.length() > 40) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static double floating(JsonParser p, JsonToken t, boolean toFloat) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return Values.finite(p.getDoubleValue(), p.getText(), toFloat);
        }
        if (t == JsonToken.VALUE_STRING) {
            switch (p.getText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw wrong("a number", p, t);
    }

    private static String text(JsonParser p, JsonToken t, String expected) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw wrong(expected, p, t);
        }
        return p.getText();
    }

    /** "expected X, got a string "abc"" — the value shown as JSON, clipped; containers only by kind. */
    private static IllegalArgumentException wrong(String expected, JsonParser p, JsonToken t) throws IOException {
        String shown = switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string " + Values.clip(quoted(p.getText()));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number " + Values.clip(p.getText());
            case VALUE_TRUE, VALUE_FALSE -> "a boolean " + p.getText();
            default -> t.asString();
        };
        return new IllegalArgumentException("expected " + expected + ", got " + shown);
    }

    private static String quoted(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text, sb);
        return sb.append('"').toString();
    }
}
