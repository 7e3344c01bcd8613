package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.ColumnType.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.DateUnit;
import org.apache.arrow.flatbuf.Precision;
import org.apache.arrow.flatbuf.TimeUnit;
import org.apache.arrow.flatbuf.Type;

/**
 * One flat Arrow column of one record batch (or one dictionary), read in place from the message body: its validity
 * bitmap and value buffers, as the Arrow columnar format lays them out (little-endian; offsets for variable-size
 * values, 16-byte views for string views). Values come out as the model's slots hold them: integers, days and
 * microseconds as longs (units converted exactly or refused), floats as doubles, text and bytes as ranges.
 */
final class ArrowVector {
    /** The column's type reduced to what reading needs (see {@link ArrowType}). */
    final ArrowType type;

    final int length;
    private final ByteBuffer validity;
    private final ByteBuffer values;
    private final ByteBuffer offsets;
    /** String and binary views' data buffers. */
    private final ByteBuffer[] variadic;
    /** For a dictionary-encoded column: the dictionary's values; {@link #values} then holds the indices. */
    final ArrowVector dictionary;
    /** A list's, map's or struct's children (a map's one child is its struct of key and value). */
    private final ArrowVector[] children;
    /** The model type this column's values are read as ({@link #natural}), worked out once, not per value. */
    final ColumnType naturalType;

    ArrowVector(
            ArrowType type,
            int length,
            ByteBuffer validity,
            ByteBuffer values,
            ByteBuffer offsets,
            ByteBuffer[] variadic,
            ArrowVector dictionary,
            ArrowVector[] children) {
        this.children = children;
        this.type = type;
        this.naturalType = natural(type);
        this.length = length;
        this.validity = validity == null || validity.remaining() == 0 ? null : le(validity);
        this.values = values == null ? null : le(values);
        this.offsets = offsets == null ? null : le(offsets);
        if (variadic != null) {
            variadic = variadic.clone();
            for (int v = 0; v < variadic.length; v++) {
                variadic[v] = le(variadic[v]); // once per buffer, not once per value read from it
            }
        }
        this.variadic = variadic;
        this.dictionary = dictionary;
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean isNull(int i) {
        if (validity != null && (validity.get(i >> 3) & (1 << (i & 7))) == 0) {
            return true;
        }
        return dictionary != null && dictionary.isNull(index(i));
    }

    /** The dictionary index of row {@code i}. */
    int index(int i) {
        long index = integer(values, type.indexBitWidth(), type.indexSigned(), i);
        if (index < 0 || index >= dictionary.length) {
            throw new IllegalArgumentException(
                    "dictionary index " + index + " is outside its dictionary of " + dictionary.length + " values");
        }
        return (int) index;
    }

    private static long integer(ByteBuffer b, int bitWidth, boolean signed, int i) {
        return switch (bitWidth) {
            case 8 -> signed ? b.get(i) : b.get(i) & 0xFFL;
            case 16 -> signed ? b.getShort(i * 2) : b.getShort(i * 2) & 0xFFFFL;
            case 32 -> signed ? b.getInt(i * 4) : b.getInt(i * 4) & 0xFFFF_FFFFL;
            default -> b.getLong(i * 8);
        };
    }

    boolean bool(int i) {
        return (values.get(i >> 3) & (1 << (i & 7))) != 0;
    }

    /** An integer, a date in days, a time or timestamp in microseconds. */
    long longAt(int i) {
        if (dictionary != null) {
            return dictionary.longAt(index(i));
        }
        return switch (type.typeType()) {
            case Type.Int -> integer(values, type.bitWidth(), type.signed(), i);
            case Type.Date -> type.unit() == DateUnit.DAY ? values.getInt(i * 4) : exactDays(values.getLong(i * 8));
            case Type.Time -> micros(type.bitWidth() == 32 ? values.getInt(i * 4) : values.getLong(i * 8), type.unit());
            case Type.Timestamp -> micros(values.getLong(i * 8), type.unit());
            default -> throw new IllegalStateException("not an integer column: " + type);
        };
    }

    double doubleAt(int i) {
        if (dictionary != null) {
            return dictionary.doubleAt(index(i));
        }
        return type.precision() == Precision.SINGLE ? values.getFloat(i * 4) : values.getDouble(i * 8);
    }

    /** A decimal's exact value. */
    BigDecimal decimalAt(int i) {
        if (dictionary != null) {
            return dictionary.decimalAt(index(i));
        }
        int width = type.bitWidth() / 8;
        byte[] bigEndian = new byte[width];
        for (int k = 0; k < width; k++) {
            bigEndian[width - 1 - k] = values.get(i * width + k);
        }
        return new BigDecimal(new BigInteger(bigEndian), type.scale());
    }

    /** An unsigned 64-bit integer, exactly. */
    BigInteger unsignedAt(int i) {
        if (dictionary != null) {
            return dictionary.unsignedAt(index(i));
        }
        long v = values.getLong(i * 8);
        return v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v).add(BigInteger.ONE.shiftLeft(64));
    }

    /** Where a text or binary value lies; filled by {@link #range}. */
    static final class Range {
        ByteBuffer buffer;
        int start;
        int length;
    }

    /** Points {@code into} at the bytes of row {@code i}'s text or binary value. */
    void range(int i, Range into) {
        if (dictionary != null) {
            dictionary.range(index(i), into);
            return;
        }
        switch (type.typeType()) {
            case Type.Utf8, Type.Binary -> {
                int start = offsets.getInt(i * 4);
                into.buffer = values;
                into.start = start;
                into.length = offsets.getInt(i * 4 + 4) - start;
            }
            case Type.LargeUtf8, Type.LargeBinary -> {
                long start = offsets.getLong(i * 8);
                into.buffer = values;
                into.start = Math.toIntExact(start);
                into.length = Math.toIntExact(offsets.getLong(i * 8 + 8) - start);
            }
            case Type.Utf8View, Type.BinaryView -> {
                int view = i * 16;
                int length = values.getInt(view);
                if (length <= 12) {
                    into.buffer = values;
                    into.start = view + 4;
                } else {
                    into.buffer = variadic[values.getInt(view + 8)];
                    into.start = values.getInt(view + 12);
                }
                into.length = length;
            }
            case Type.FixedSizeBinary -> {
                into.buffer = values;
                into.start = i * type.byteWidth();
                into.length = type.byteWidth();
            }
            default -> throw new IllegalStateException("not a text or binary column: " + type);
        }
    }

    private static long exactDays(long millis) {
        if (millis % 86_400_000L != 0) {
            throw new IllegalArgumentException(
                    millis + " ms is not a whole day (a date64 with a time of day would lose it as a date)");
        }
        return millis / 86_400_000L;
    }

    /** A time or timestamp in {@code unit} as microseconds, exactly, or refused. */
    static long micros(long value, short unit) {
        return switch (unit) {
            case TimeUnit.SECOND -> Math.multiplyExact(value, 1_000_000L);
            case TimeUnit.MILLISECOND -> Math.multiplyExact(value, 1_000L);
            case TimeUnit.MICROSECOND -> value;
            default -> {
                if (value % 1000 != 0) {
                    throw new IllegalArgumentException(
                            value + " ns has nanoseconds that microseconds cannot hold (the files keep microseconds)");
                }
                yield value / 1000;
            }
        };
    }

    /**
     * Writes row {@code i}'s value as JSON: lists as arrays, structs and maps as objects (a map's keys as text),
     * numbers exactly, text as strings, binary as base64, dates, times and timestamps as ISO-8601 strings.
     */
    void writeJson(int i, com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        if (isNull(i)) {
            g.writeNull();
            return;
        }
        switch (type.typeType()) {
            case Type.Struct_ -> {
                g.writeStartObject();
                for (ArrowVector child : children) {
                    g.writeFieldName(child.type.name());
                    child.writeJson(i, g);
                }
                g.writeEndObject();
                return;
            }
            case Type.List, Type.LargeList, Type.FixedSizeList, Type.Map -> {
                long from;
                long to;
                if (type.typeType() == Type.FixedSizeList) {
                    from = (long) i * type.listSize();
                    to = from + type.listSize();
                } else if (type.typeType() == Type.LargeList) {
                    from = offsets.getLong(i * 8);
                    to = offsets.getLong(i * 8 + 8);
                } else {
                    from = offsets.getInt(i * 4);
                    to = offsets.getInt(i * 4 + 4);
                }
                if (type.typeType() == Type.Map) {
                    ArrowVector entries = children[0];
                    g.writeStartObject();
                    for (long j = from; j < to; j++) {
                        g.writeFieldName(entries.children[0].text((int) j));
                        entries.children[1].writeJson((int) j, g);
                    }
                    g.writeEndObject();
                } else {
                    g.writeStartArray();
                    for (long j = from; j < to; j++) {
                        children[0].writeJson((int) j, g);
                    }
                    g.writeEndArray();
                }
                return;
            }
            default -> {}
        }
        switch (naturalType.kind()) {
            case BOOLEAN -> g.writeBoolean(bool(i));
            case INT, BIGINT -> g.writeNumber(longAt(i));
            case FLOAT -> g.writeNumber((float) doubleAt(i));
            case DOUBLE -> g.writeNumber(doubleAt(i));
            case DECIMAL -> g.writeNumber(type.typeType() == Type.Int ? new BigDecimal(unsignedAt(i)) : decimalAt(i));
            case STRING -> g.writeString(text(i));
            case BINARY -> {
                Range r = new Range();
                range(i, r);
                byte[] copy = new byte[r.length];
                r.buffer.duplicate().position(r.start).get(copy);
                g.writeString(java.util.Base64.getEncoder().encodeToString(copy));
            }
            case DATE -> g.writeString(java.time.LocalDate.ofEpochDay(longAt(i)).toString());
            case TIME ->
                g.writeString(java.time.LocalTime.ofNanoOfDay(longAt(i) * 1000).toString());
            case TIMESTAMP ->
                g.writeString(java.time.Instant.EPOCH
                        .plus(longAt(i), java.time.temporal.ChronoUnit.MICROS)
                        .toString());
            case TIMESTAMP_NTZ ->
                g.writeString(java.time.LocalDateTime.ofEpochSecond(
                                Math.floorDiv(longAt(i), 1_000_000L),
                                (int) Math.floorMod(longAt(i), 1_000_000L) * 1000,
                                java.time.ZoneOffset.UTC)
                        .toString());
            default -> throw new IllegalArgumentException("a " + type + " value has no JSON form here");
        }
    }

    /** Row {@code i}'s text, checked as UTF-8 (a map key, or a string inside a JSON value). */
    String text(int i) {
        if (naturalType == null || naturalType.kind() != Kind.STRING) {
            return String.valueOf(
                    naturalType != null && naturalType.kind() == Kind.DECIMAL
                            ? decimalAt(i).toPlainString()
                            : String.valueOf(longAt(i)));
        }
        Range r = new Range();
        range(i, r);
        byte[] copy = new byte[r.length];
        r.buffer.duplicate().position(r.start).get(copy);
        if (!Utf8.isValid(copy, 0, copy.length)) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
        return new String(copy, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The model type an Arrow type lands as when the model declares none; null when none can hold it. */
    static ColumnType natural(ArrowType t) {
        if (t.nested()) {
            return t.jsonable() ? ColumnType.of(Kind.JSON) : null;
        }
        return switch (t.typeType()) {
            case Type.Bool -> ColumnType.of(Kind.BOOLEAN);
            case Type.Int -> {
                if (t.bitWidth() < 32 || (t.bitWidth() == 32 && t.signed())) {
                    yield ColumnType.of(Kind.INT);
                }
                yield t.bitWidth() == 64 && !t.signed() ? ColumnType.decimal(20, 0) : ColumnType.of(Kind.BIGINT);
            }
            case Type.FloatingPoint ->
                switch (t.precision()) {
                    case Precision.SINGLE -> ColumnType.of(Kind.FLOAT);
                    case Precision.DOUBLE -> ColumnType.of(Kind.DOUBLE);
                    default -> null; // half floats: no model type of that width
                };
            case Type.Decimal ->
                t.precision() <= ColumnType.MAX_DECIMAL_PRECISION ? ColumnType.decimal(t.precision(), t.scale()) : null;
            case Type.Utf8, Type.LargeUtf8, Type.Utf8View -> ColumnType.of(Kind.STRING);
            case Type.Binary, Type.LargeBinary, Type.BinaryView, Type.FixedSizeBinary -> ColumnType.of(Kind.BINARY);
            case Type.Date -> ColumnType.of(Kind.DATE);
            case Type.Time -> ColumnType.of(Kind.TIME);
            case Type.Timestamp -> ColumnType.of(t.timezone() == null ? Kind.TIMESTAMP_NTZ : Kind.TIMESTAMP);
            default -> null;
        };
    }
}
