package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.parquet.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import org.apache.parquet.io.api.Binary;

/**
 * Decodes one JSON object into a {@link Row} by the model's columns (SPEC §3, "input accepted in JSON"). Fields
 * the model does not name are ignored; a column the object lacks is null.
 */
public final class JsonRowDecoder {
    private final ColumnSpec[] columns;
    private final ObjectMapper mapper;

    public JsonRowDecoder(List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        this.columns = modelColumns.toArray(ColumnSpec[]::new);
        this.mapper = mapper;
    }

    /**
     * @param where names the row for errors, e.g. {@code "row 3"} or {@code "s3://b/k line 7"}
     */
    public void decode(JsonNode object, Row row, String where) {
        if (!object.isObject()) {
            throw new InvalidEventException(where + ": must be a JSON object, got " + EventParser.kind(object));
        }
        for (int i = 0; i < columns.length; i++) {
            ColumnSpec column = columns[i];
            JsonNode value = object.get(column.name());
            if (value == null || value.isNull()) {
                if (!column.nullable()) {
                    throw new InvalidEventException(where + ", column " + column.name() + ": null in a non-nullable column");
                }
                row.setNull(i);
                continue;
            }
            try {
                set(row, i, column.type(), value);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new InvalidEventException(where + ", column " + column.name() + " (" + column.type() + "): "
                        + e.getMessage());
            }
        }
    }

    private void set(Row row, int i, ColumnType type, JsonNode v) {
        switch (type.kind()) {
            case BOOLEAN -> {
                if (!v.isBoolean()) {
                    throw wrong("true or false", v);
                }
                row.setLong(i, v.booleanValue() ? 1 : 0);
            }
            case INT -> {
                BigInteger n = integer(v);
                if (n.bitLength() > 31) {
                    throw new IllegalArgumentException(n + " is out of range for int (-2147483648..2147483647)");
                }
                row.setLong(i, n.intValue());
            }
            case BIGINT -> {
                BigInteger n = integer(v);
                if (n.bitLength() > 63) {
                    throw new IllegalArgumentException(n + " is out of range for bigint");
                }
                row.setLong(i, n.longValue());
            }
            case FLOAT -> row.setDouble(i, (float) floating(v));
            case DOUBLE -> row.setDouble(i, floating(v));
            case DECIMAL -> {
                BigDecimal d;
                if (v.isNumber()) {
                    d = v.decimalValue();
                } else if (v.isTextual()) {
                    try {
                        d = new BigDecimal(v.textValue().trim());
                    } catch (NumberFormatException e) {
                        throw wrong("a decimal number", v);
                    }
                } else {
                    throw wrong("a number or a numeric string", v);
                }
                Values.setDecimal(row, i, type, d);
            }
            case STRING -> {
                if (!v.isTextual()) {
                    throw wrong("a string", v);
                }
                row.setBinary(i, Binary.fromString(v.textValue()));
            }
            case JSON -> {
                try {
                    row.setBinary(i, Binary.fromString(mapper.writeValueAsString(v)));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot be written as JSON text");
                }
            }
            case BINARY -> {
                if (!v.isTextual()) {
                    throw wrong("a base64 string", v);
                }
                try {
                    row.setBinary(i, Binary.fromConstantByteArray(Base64.getDecoder().decode(v.textValue())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("is not valid base64");
                }
            }
            case DATE -> row.setLong(i, Values.date(text(v, "a date string yyyy-MM-dd")));
            case TIME -> row.setLong(i, Values.time(text(v, "a time string HH:mm:ss[.ffffff]")));
            case TIMESTAMP -> row.setLong(i, Values.timestampUtc(text(v, "an ISO-8601 timestamp string with offset")));
            case TIMESTAMP_NTZ -> row.setLong(i, Values.timestampNtz(text(v, "an ISO-8601 timestamp string")));
        }
    }

    /** An integral JSON number, or a string of digits (64-bit ids often travel as strings to survive JavaScript). */
    private static BigInteger integer(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue();
            try {
                return d.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(Values.clip(d.toPlainString()) + " is not an integer");
            }
        }
        if (v.isTextual()) {
            String t = v.textValue().trim();
            if (!t.isEmpty() && t.length() < 40 && t.matches("[+-]?\\d+")) {
                return new BigInteger(t);
            }
        }
        throw wrong("an integer", v);
    }

    private static double floating(JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw wrong("a number", v);
    }

    private static String text(JsonNode v, String expected) {
        if (!v.isTextual()) {
            throw wrong(expected, v);
        }
        return v.textValue();
    }

    private static IllegalArgumentException wrong(String expected, JsonNode v) {
        String shown = v.isContainerNode() ? EventParser.kind(v) : EventParser.kind(v) + " " + Values.clip(v.toString());
        return new IllegalArgumentException("expected " + expected + ", got " + shown);
    }
}
