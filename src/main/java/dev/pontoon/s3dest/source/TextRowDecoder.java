package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.parquet.Row;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.parquet.io.api.Binary;

/**
 * Decodes text fields (CSV) into a {@link Row}, typed by the model's columns. {@code null} text is SQL null.
 */
final class TextRowDecoder {
    private final ColumnSpec[] columns;
    private final ObjectMapper mapper;

    TextRowDecoder(List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        this.columns = modelColumns.toArray(ColumnSpec[]::new);
        this.mapper = mapper;
    }

    /** @param values one text value per model column, null where the field is null or absent from the file */
    void decode(String[] values, Row row, Supplier<String> where) {
        for (int i = 0; i < columns.length; i++) {
            String v = values[i];
            ColumnSpec column = columns[i];
            if (v == null) {
                if (!column.nullable()) {
                    throw new InvalidEventException(
                            where.get() + ", column " + column.name() + ": null in a non-nullable column");
                }
                row.setNull(i);
                continue;
            }
            try {
                set(row, i, column.type(), v);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new InvalidEventException(
                        where.get() + ", column " + column.name() + " (" + column.type() + "): " + e.getMessage());
            }
        }
    }

    private void set(Row row, int i, ColumnType type, String v) {
        switch (type.kind()) {
            case BOOLEAN -> row.setLong(i, bool(v) ? 1 : 0);
            case INT -> row.setLong(i, integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int"));
            case BIGINT -> row.setLong(i, integer(v, Long.MIN_VALUE, Long.MAX_VALUE, "bigint"));
            case FLOAT -> row.setDouble(i, (float) number(v, true));
            case DOUBLE -> row.setDouble(i, number(v, false));
            case DECIMAL -> {
                Values.setDecimal(row, i, type, Values.parseDecimal(v));
            }
            case STRING -> {
                Values.checkLength(type, v);
                row.setBinary(i, Binary.fromString(v));
            }
            case JSON -> {
                try {
                    row.setBinary(i, Binary.fromString(mapper.writeValueAsString(mapper.readTree(v))));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("'" + Values.clip(v) + "' is not valid JSON");
                }
            }
            case BINARY -> {
                try {
                    row.setBinary(
                            i, Binary.fromConstantByteArray(Base64.getDecoder().decode(v)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("is not valid base64");
                }
            }
            case DATE -> row.setLong(i, Values.date(v));
            case TIME -> row.setLong(i, Values.time(v));
            case TIMESTAMP -> row.setLong(i, Values.timestampUtc(v));
            case TIMESTAMP_NTZ -> row.setLong(i, Values.timestampNtz(v));
        }
    }

    /** true/false, t/f (PostgreSQL's COPY) and 1/0, in any case. */
    private static boolean bool(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "1" -> true;
            case "false", "f", "0" -> false;
            default ->
                throw new IllegalArgumentException("'" + Values.clip(v) + "' is not a boolean (true/false, t/f, 1/0)");
        };
    }

    private static long integer(String v, long min, long max, String name) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Values.clip(v) + "' is not an integer in range for " + name);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(n + " is out of range for " + name);
        }
        return n;
    }

    private static double number(String v, boolean toFloat) {
        try {
            double d = Double.parseDouble(v);
            String word = v.trim().replace("+", "");
            return word.equals("Infinity") || word.equals("-Infinity") ? d : Values.finite(d, v, toFloat);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Values.clip(v) + "' is not a number");
        }
    }
}
