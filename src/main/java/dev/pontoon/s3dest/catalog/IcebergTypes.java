package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.ColumnStats;
import dev.pontoon.s3dest.event.ColumnType;
import java.nio.ByteBuffer;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.BinaryUtil;
import org.apache.iceberg.util.UnicodeUtil;

/**
 * The model's types as Iceberg types, and a file's Parquet statistics as Iceberg bounds (SPEC §11).
 *
 * <p>{@code json} and {@code uuid} columns are strings in the files, so they are strings in the table too (Iceberg's
 * {@code uuid} is a 16-byte value, and format version 2 has no JSON type); {@code timestamp}/{@code timestamptz}
 * is Iceberg's {@code timestamptz}, {@code timestamp_ntz} its {@code timestamp}.
 */
final class IcebergTypes {
    /** Iceberg's own writers keep 16 characters (or bytes) of a string or binary bound: so do we. */
    static final int BOUND_LENGTH = 16;

    private IcebergTypes() {}

    static Type.PrimitiveType of(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> Types.BooleanType.get();
            case INT -> Types.IntegerType.get();
            case BIGINT -> Types.LongType.get();
            case FLOAT -> Types.FloatType.get();
            case DOUBLE -> Types.DoubleType.get();
            case DECIMAL -> Types.DecimalType.of(type.precision(), type.scale());
            case STRING, JSON -> Types.StringType.get();
            case BINARY -> Types.BinaryType.get();
            case DATE -> Types.DateType.get();
            case TIME -> Types.TimeType.get();
            case TIMESTAMP -> Types.TimestampType.withZone();
            case TIMESTAMP_NTZ -> Types.TimestampType.withoutZone();
        };
    }

    /** The lower bound Iceberg records for the column, or null when the file's footer has none. */
    static ByteBuffer lower(ColumnType type, ColumnStats stats) {
        if (stats.min() == null) {
            return null;
        }
        Type.PrimitiveType iceberg = of(type);
        Object value = FooterValues.value(type, stats.min());
        if (value instanceof String s) {
            value = UnicodeUtil.truncateStringMin(s, BOUND_LENGTH);
        } else if (value instanceof ByteBuffer b) {
            value = BinaryUtil.truncateBinaryMin(Literal.of(b), BOUND_LENGTH).value();
        }
        return Conversions.toByteBuffer(iceberg, value);
    }

    /** The upper bound Iceberg records, or null when there is none or it cannot be shortened to a bound. */
    static ByteBuffer upper(ColumnType type, ColumnStats stats) {
        if (stats.max() == null) {
            return null;
        }
        Type.PrimitiveType iceberg = of(type);
        Object value = FooterValues.value(type, stats.max());
        if (value instanceof String s) {
            value = UnicodeUtil.truncateStringMax(s, BOUND_LENGTH);
        } else if (value instanceof ByteBuffer b) {
            Literal<ByteBuffer> max = BinaryUtil.truncateBinaryMax(Literal.of(b), BOUND_LENGTH);
            value = max == null ? null : max.value();
        }
        return value == null ? null : Conversions.toByteBuffer(iceberg, value);
    }
}
