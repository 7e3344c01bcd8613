package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.ColumnType.Kind;
import dev.pontoon.s3dest.parquet.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The one mapping from Parquet column types to the model's (SPEC §13; the table is in docs/EVENTS.md): a staged
 * column converts to its declared type only when no value can change, and a model without declared columns takes
 * each column's own type through {@link #infer}. Each accepted pair gets a {@link Setter} that reads the current
 * value of a {@link ColumnReader} into the row's slot exactly as the JSONL path would set it, so the same values
 * give the same bytes.
 */
final class ParquetTypes {
    private ParquetTypes() {}

    /** Reads a column reader's current (non-null) value into a row's slot; a value that does not fit throws. */
    interface Setter {
        void set(ColumnReader reader, Row row, int column);
    }

    /** Julian day of 1970-01-01: INT96 timestamps count days from the Julian epoch. */
    private static final long JULIAN_EPOCH_DAY = 2_440_588;

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** The model type a Parquet column lands as when the model declares none; null when none can hold it. */
    static ColumnType infer(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof DecimalLogicalTypeAnnotation d) {
            return d.getPrecision() <= ColumnType.MAX_DECIMAL_PRECISION
                    ? ColumnType.decimal(d.getPrecision(), d.getScale())
                    : null;
        }
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> ColumnType.of(Kind.BOOLEAN);
            case INT32 -> {
                if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                    yield ColumnType.of(Kind.DATE);
                }
                if (logical instanceof TimeLogicalTypeAnnotation) {
                    yield ColumnType.of(Kind.TIME);
                }
                yield logical instanceof IntLogicalTypeAnnotation i && !i.isSigned() && i.getBitWidth() == 32
                        ? ColumnType.of(Kind.BIGINT)
                        : ColumnType.of(Kind.INT);
            }
            case INT64 -> {
                if (logical instanceof TimeLogicalTypeAnnotation) {
                    yield ColumnType.of(Kind.TIME);
                }
                if (logical instanceof TimestampLogicalTypeAnnotation t) {
                    yield ColumnType.of(t.isAdjustedToUTC() ? Kind.TIMESTAMP : Kind.TIMESTAMP_NTZ);
                }
                yield logical instanceof IntLogicalTypeAnnotation i && !i.isSigned()
                        ? ColumnType.decimal(20, 0)
                        : ColumnType.of(Kind.BIGINT);
            }
            case INT96 -> ColumnType.of(Kind.TIMESTAMP);
            case FLOAT -> ColumnType.of(Kind.FLOAT);
            case DOUBLE -> ColumnType.of(Kind.DOUBLE);
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
                    yield ColumnType.parse(
                            "type",
                            logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation ? "uuid" : "string");
                }
                yield logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                        ? ColumnType.of(Kind.JSON)
                        : ColumnType.of(Kind.BINARY);
            }
        };
    }

    /** How a Parquet type is named in errors: its physical type and logical annotation. */
    static String describe(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return type.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT)
                + (logical == null ? "" : " (" + logical + ")");
    }

    /**
     * The setter for a staged column of {@code type} landing as the declared {@code column}; null when it cannot
     * without changing a value.
     */
    static Setter setter(ColumnSpec column, PrimitiveType type, ObjectMapper mapper) {
        ColumnType to = column.type();
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        PrimitiveType.PrimitiveTypeName physical = type.getPrimitiveTypeName();
        if (logical instanceof DecimalLogicalTypeAnnotation d) {
            return to.kind() == Kind.DECIMAL
                            && to.scale() >= d.getScale()
                            && to.precision() - to.scale() >= d.getPrecision() - d.getScale()
                    ? decimal(physical, d.getScale(), to)
                    : null;
        }
        ColumnType natural = infer(type);
        if (natural == null) {
            return null;
        }
        Kind from = natural.kind();
        return switch (to.kind()) {
            case BOOLEAN -> from == Kind.BOOLEAN ? (r, row, i) -> row.setLong(i, r.getBoolean() ? 1 : 0) : null;
            case INT -> from == Kind.INT ? (r, row, i) -> row.setLong(i, r.getInteger()) : null;
            case BIGINT ->
                switch (from) {
                    case INT -> (r, row, i) -> row.setLong(i, r.getInteger());
                    case BIGINT ->
                        physical == PrimitiveType.PrimitiveTypeName.INT32
                                ? (r, row, i) -> row.setLong(i, Integer.toUnsignedLong(r.getInteger()))
                                : (r, row, i) -> row.setLong(i, r.getLong());
                    default -> null;
                };
            case DECIMAL ->
                switch (from) {
                    // integers are decimals of scale 0: they fit when the type has room for every such integer
                    case INT -> to.precision() - to.scale() >= 10 ? decimalOfLong(to, true) : null;
                    case BIGINT -> to.precision() - to.scale() >= 19 ? decimalOfLong(to, false) : null;
                    default -> null;
                };
            case FLOAT -> from == Kind.FLOAT ? (r, row, i) -> row.setDouble(i, r.getFloat()) : null;
            case DOUBLE ->
                switch (from) {
                    case FLOAT -> (r, row, i) -> row.setDouble(i, r.getFloat());
                    case DOUBLE -> (r, row, i) -> row.setDouble(i, r.getDouble());
                    default -> null;
                };
            case STRING ->
                switch (from) {
                    case STRING, JSON ->
                        logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
                                ? (r, row, i) -> row.setBinary(i, Binary.fromString(uuid(r.getBinary())))
                                : text(to);
                    // a BINARY column without an annotation (older Hive writers) holds text as its bytes
                    case BINARY -> physical == PrimitiveType.PrimitiveTypeName.BINARY ? text(to) : null;
                    default -> null;
                };
            case JSON -> from == Kind.JSON || (from == Kind.STRING && !isUuid(logical)) ? json(mapper) : null;
            case BINARY ->
                from == Kind.BINARY
                        ? (r, row, i) -> {
                            Binary b = r.getBinary();
                            ByteBuffer buf = b.toByteBuffer();
                            row.setBytes(i, bytes(buf), offset(buf), buf.remaining());
                        }
                        : null;
            case DATE -> from == Kind.DATE ? (r, row, i) -> row.setLong(i, r.getInteger()) : null;
            case TIME -> from == Kind.TIME ? time((TimeLogicalTypeAnnotation) logical) : null;
            case TIMESTAMP -> {
                if (physical == PrimitiveType.PrimitiveTypeName.INT96) {
                    yield (r, row, i) -> row.setLong(i, int96Micros(r.getBinary()));
                }
                yield logical instanceof TimestampLogicalTypeAnnotation t && t.isAdjustedToUTC()
                        ? timestamp(t.getUnit())
                        : null;
            }
            case TIMESTAMP_NTZ ->
                logical instanceof TimestampLogicalTypeAnnotation t && !t.isAdjustedToUTC()
                        ? timestamp(t.getUnit())
                        : null;
        };
    }

    private static boolean isUuid(LogicalTypeAnnotation logical) {
        return logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
    }

    private static Setter decimal(PrimitiveType.PrimitiveTypeName physical, int scale, ColumnType to) {
        return switch (physical) {
            case INT32 -> (r, row, i) -> setDecimal(row, i, to, r.getInteger(), scale);
            case INT64 -> (r, row, i) -> setDecimal(row, i, to, r.getLong(), scale);
            default ->
                (r, row, i) -> Values.setDecimal(
                        row, i, to, new BigDecimal(new BigInteger(r.getBinary().getBytes()), scale));
        };
    }

    private static Setter decimalOfLong(ColumnType to, boolean int32) {
        return int32
                ? (r, row, i) -> setDecimal(row, i, to, r.getInteger(), 0)
                : (r, row, i) -> setDecimal(row, i, to, r.getLong(), 0);
    }

    /** An unscaled long of {@code scale} at the declared type's scale (never fewer digits: the types were checked). */
    private static void setDecimal(Row row, int column, ColumnType to, long unscaled, int scale) {
        int up = to.scale() - scale;
        if (to.precision() <= 18 && up <= 18) {
            long factor = LONG_POW10[up];
            row.setLong(column, Math.multiplyExact(unscaled, factor));
        } else {
            Values.setDecimal(row, column, to, BigDecimal.valueOf(unscaled, scale));
        }
    }

    private static final long[] LONG_POW10 = new long[19];

    static {
        LONG_POW10[0] = 1;
        for (int i = 1; i < LONG_POW10.length; i++) {
            LONG_POW10[i] = LONG_POW10[i - 1] * 10;
        }
    }

    /** Strings: checked as UTF-8 and for a varchar's length, copied into the row as they are. */
    private static Setter text(ColumnType to) {
        return (r, row, i) -> {
            ByteBuffer buf = r.getBinary().toByteBuffer();
            byte[] b = bytes(buf);
            int from = offset(buf);
            int length = buf.remaining();
            if (!Utf8.isValid(b, from, from + length)) {
                throw new IllegalArgumentException("not valid UTF-8");
            }
            if (to.maxLength() > 0 && Values.codePoints(b, from, length) > to.maxLength()) {
                throw new IllegalArgumentException("longer than " + to.maxLength() + " characters (" + to + ")");
            }
            row.setBytes(i, b, from, length);
        };
    }

    /** JSON text: parsed and written compact by the same mapper as every other path. */
    private static Setter json(ObjectMapper mapper) {
        return (r, row, i) -> {
            ByteBuffer buf = r.getBinary().toByteBuffer();
            byte[] b = bytes(buf);
            int from = offset(buf);
            if (!Utf8.isValid(b, from, from + buf.remaining())) {
                throw new IllegalArgumentException("not valid UTF-8");
            }
            try {
                row.setBinary(
                        i, Binary.fromString(mapper.writeValueAsString(mapper.readTree(b, from, buf.remaining()))));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not valid JSON");
            }
        };
    }

    private static Setter time(TimeLogicalTypeAnnotation t) {
        return switch (t.getUnit()) {
            case MILLIS -> (r, row, i) -> row.setLong(i, r.getInteger() * 1000L);
            case MICROS -> (r, row, i) -> row.setLong(i, r.getLong());
            case NANOS -> (r, row, i) -> row.setLong(i, exactMicros(r.getLong()));
        };
    }

    private static Setter timestamp(TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> (r, row, i) -> row.setLong(i, Math.multiplyExact(r.getLong(), 1000L));
            case MICROS -> (r, row, i) -> row.setLong(i, r.getLong());
            case NANOS -> (r, row, i) -> row.setLong(i, exactMicros(r.getLong()));
        };
    }

    /** Nanoseconds to microseconds, refused when a digit would be lost (SPEC §13). */
    private static long exactMicros(long nanos) {
        if (nanos % 1000 != 0) {
            throw new IllegalArgumentException(
                    nanos + " ns has nanoseconds that microseconds cannot hold (the files keep microseconds)");
        }
        return nanos / 1000;
    }

    /**
     * INT96 as Spark, Hive and Impala write it: eight little-endian bytes of nanoseconds in the day, then four of the
     * Julian day; an instant in UTC.
     */
    static long int96Micros(Binary value) {
        ByteBuffer b = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = b.getLong(b.position());
        long julianDay = Integer.toUnsignedLong(b.getInt(b.position() + 8));
        return Math.addExact(Math.multiplyExact(julianDay - JULIAN_EPOCH_DAY, MICROS_PER_DAY), exactMicros(nanosOfDay));
    }

    private static String uuid(Binary value) {
        ByteBuffer b = value.toByteBuffer();
        return new java.util.UUID(b.getLong(b.position()), b.getLong(b.position() + 8)).toString();
    }

    private static byte[] bytes(ByteBuffer buf) {
        if (buf.hasArray()) {
            return buf.array();
        }
        byte[] copy = new byte[buf.remaining()];
        buf.duplicate().get(copy);
        return copy;
    }

    private static int offset(ByteBuffer buf) {
        return buf.hasArray() ? buf.arrayOffset() + buf.position() : 0;
    }
}
