package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A footer statistic (Parquet's plain encoding of the column's physical type) as a Java value, for any table format. */
final class FooterValues {
    private FooterValues() {}

    /**
     * Boolean, Integer (int, date as days), Long (bigint, time, timestamps as microseconds), Float, Double,
     * BigDecimal, String (string, json) or a ByteBuffer (binary).
     */
    static Object value(ColumnType type, byte[] bytes) {
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return switch (type.kind()) {
            case BOOLEAN -> bytes[0] != 0;
            case INT, DATE -> le.getInt();
            case BIGINT, TIME, TIMESTAMP, TIMESTAMP_NTZ -> le.getLong();
            case FLOAT -> le.getFloat();
            case DOUBLE -> le.getDouble();
            case DECIMAL -> {
                if (type.precision() <= 9) {
                    yield BigDecimal.valueOf(le.getInt(), type.scale());
                }
                if (type.precision() <= 18) {
                    yield BigDecimal.valueOf(le.getLong(), type.scale());
                }
                yield new BigDecimal(new BigInteger(bytes), type.scale());
            }
            case STRING, JSON -> new String(bytes, StandardCharsets.UTF_8);
            case BINARY -> ByteBuffer.wrap(bytes);
        };
    }
}
