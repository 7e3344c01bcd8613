package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A nested Parquet value (a LIST, a MAP, a group, or a repeated field) as JSON (SPEC §13: nested types land as
 * {@code json}), from the record parquet-java assembles: lists (three-level, and the older two-level form) as arrays,
 * maps as objects keyed by the key's text, groups as objects, and leaves as the flat mapping reads them: numbers
 * exactly (decimals unscaled by their scale), text as strings, binary as base64, dates, times and timestamps (INT96
 * too) as ISO-8601 strings.
 */
final class ParquetJson {
    private ParquetJson() {}

    /** Writes field {@code field} of {@code g}: null when absent, an array when repeated, else its one value. */
    static void writeField(Group g, int field, Type type, JsonGenerator out) throws IOException {
        int count = g.getFieldRepetitionCount(field);
        if (type.isRepetition(Type.Repetition.REPEATED)) {
            out.writeStartArray();
            for (int i = 0; i < count; i++) {
                writeValue(g, field, i, type, out);
            }
            out.writeEndArray();
        } else if (count == 0) {
            out.writeNull();
        } else {
            writeValue(g, field, 0, type, out);
        }
    }

    private static void writeValue(Group g, int field, int index, Type type, JsonGenerator out) throws IOException {
        if (type.isPrimitive()) {
            leaf(g, field, index, type.asPrimitiveType(), out);
            return;
        }
        GroupType group = type.asGroupType();
        Group value = g.getGroup(field, index);
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && group.getFieldCount() == 1) {
            Type repeated = group.getType(0);
            out.writeStartArray();
            for (int i = 0; i < value.getFieldRepetitionCount(0); i++) {
                if (!repeated.isPrimitive()
                        && repeated.asGroupType().getFieldCount() == 1
                        && !repeated.getName().equals("array")
                        && !repeated.getName().endsWith("_tuple")) {
                    // three-level list: repeated group list { optional element }
                    writeField(value.getGroup(0, i), 0, repeated.asGroupType().getType(0), out);
                } else {
                    writeValue(value, 0, i, repeated, out); // two-level: the repeated field is the element
                }
            }
            out.writeEndArray();
            return;
        }
        if ((logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
                && group.getFieldCount() == 1
                && !group.getType(0).isPrimitive()) {
            GroupType entry = group.getType(0).asGroupType();
            out.writeStartObject();
            for (int i = 0; i < value.getFieldRepetitionCount(0); i++) {
                Group kv = value.getGroup(0, i);
                out.writeFieldName(keyText(kv, entry.getType(0).asPrimitiveType()));
                if (entry.getFieldCount() > 1) {
                    writeField(kv, 1, entry.getType(1), out);
                } else {
                    out.writeNull();
                }
            }
            out.writeEndObject();
            return;
        }
        out.writeStartObject();
        for (int f = 0; f < group.getFieldCount(); f++) {
            out.writeFieldName(group.getFieldName(f));
            writeField(value, f, group.getType(f), out);
        }
        out.writeEndObject();
    }

    private static String keyText(Group kv, PrimitiveType key) {
        return switch (key.getPrimitiveTypeName()) {
            case BINARY, FIXED_LEN_BYTE_ARRAY -> utf8(kv.getBinary(0, 0));
            case INT32 -> Integer.toString(kv.getInteger(0, 0));
            case INT64 -> Long.toString(kv.getLong(0, 0));
            default -> kv.getValueToString(0, 0);
        };
    }

    private static void leaf(Group g, int field, int index, PrimitiveType type, JsonGenerator out) throws IOException {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
            BigInteger unscaled = switch (type.getPrimitiveTypeName()) {
                case INT32 -> BigInteger.valueOf(g.getInteger(field, index));
                case INT64 -> BigInteger.valueOf(g.getLong(field, index));
                default -> new BigInteger(g.getBinary(field, index).getBytes());
            };
            out.writeNumber(new BigDecimal(unscaled, d.getScale()));
            return;
        }
        switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> out.writeBoolean(g.getBoolean(field, index));
            case FLOAT -> out.writeNumber(g.getFloat(field, index));
            case DOUBLE -> out.writeNumber(g.getDouble(field, index));
            case INT96 ->
                out.writeString(java.time.Instant.EPOCH
                        .plus(ParquetTypes.int96Micros(g.getInt96(field, index)), java.time.temporal.ChronoUnit.MICROS)
                        .toString());
            case INT32 -> {
                int v = g.getInteger(field, index);
                if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                    out.writeString(java.time.LocalDate.ofEpochDay(v).toString());
                } else if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
                    out.writeString(
                            java.time.LocalTime.ofNanoOfDay(v * 1_000_000L).toString());
                } else if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()) {
                    out.writeNumber(Integer.toUnsignedLong(v));
                } else {
                    out.writeNumber(v);
                }
            }
            case INT64 -> {
                long v = g.getLong(field, index);
                if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
                    long micros = switch (t.getUnit()) {
                        case MILLIS -> Math.multiplyExact(v, 1000L);
                        case MICROS -> v;
                        case NANOS -> Math.floorDiv(v, 1000L);
                    };
                    java.time.Instant instant =
                            java.time.Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
                    out.writeString(
                            t.isAdjustedToUTC()
                                    ? instant.toString()
                                    : java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC)
                                            .toString());
                } else if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation t) {
                    long nanos = t.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS ? v : v * 1000L;
                    out.writeString(java.time.LocalTime.ofNanoOfDay(nanos).toString());
                } else if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()) {
                    out.writeNumber(new BigInteger(Long.toUnsignedString(v)));
                } else {
                    out.writeNumber(v);
                }
            }
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                Binary b = g.getBinary(field, index);
                if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
                    java.nio.ByteBuffer u = b.toByteBuffer();
                    out.writeString(
                            new java.util.UUID(u.getLong(u.position()), u.getLong(u.position() + 8)).toString());
                } else if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
                    out.writeString(utf8(b));
                } else {
                    out.writeString(java.util.Base64.getEncoder().encodeToString(b.getBytes()));
                }
            }
        }
    }

    private static String utf8(Binary b) {
        byte[] bytes = b.getBytes();
        if (!Utf8.isValid(bytes, 0, bytes.length)) {
            throw new IllegalArgumentException("not valid UTF-8 inside a nested value");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
