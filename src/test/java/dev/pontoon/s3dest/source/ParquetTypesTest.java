package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/**
 * The Parquet types no independent writer here produces (DuckDB writes neither INT96 nor TIME(MILLIS) nor unsigned
 * 64-bit integers): their conversions, and the pairs the table refuses.
 */
class ParquetTypesTest {
    /** INT96 as Spark writes it: nanoseconds of the day (8 bytes, little-endian), then the Julian day (4 bytes). */
    private static Binary int96(Instant instant) {
        long epochDay = Math.floorDiv(instant.getEpochSecond(), 86_400);
        long nanosOfDay = (instant.getEpochSecond() - epochDay * 86_400) * 1_000_000_000L + instant.getNano();
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(nanosOfDay).putInt((int) (epochDay + 2_440_588));
        return Binary.fromConstantByteArray(b.array());
    }

    @Test
    void int96IsSparksJulianDayAndNanosecondsAsAnInstantInUtc() {
        for (String at : new String[] {
            "2020-01-01T00:00:00.123456Z", "1970-01-01T00:00:00Z", "1899-12-31T23:59:59.999999Z", "2262-04-11T23:47:16Z"
        }) {
            Instant instant = Instant.parse(at);
            long micros = instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
            assertThat(ParquetTypes.int96Micros(int96(instant))).as(at).isEqualTo(micros);
        }
        assertThatThrownBy(() -> ParquetTypes.int96Micros(int96(Instant.parse("2020-01-01T00:00:00.000000001Z"))))
                .hasMessageContaining("nanoseconds that microseconds cannot hold");
    }

    @Test
    void theTableAcceptsOnlyPairsThatCannotChangeAValue() {
        var int96 = Types.optional(PrimitiveTypeName.INT96).named("t");
        var timeMillis = Types.optional(PrimitiveTypeName.INT32)
                .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MILLIS))
                .named("t");
        var uint64 = Types.optional(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.intType(64, false))
                .named("u");
        var plainBinary = Types.optional(PrimitiveTypeName.BINARY).named("b");
        assertThat(ParquetTypes.infer(int96)).isEqualTo(ColumnType.parse("t", "timestamptz"));
        assertThat(ParquetTypes.infer(timeMillis)).isEqualTo(ColumnType.parse("t", "time"));
        assertThat(ParquetTypes.infer(uint64)).isEqualTo(ColumnType.decimal(20, 0));
        assertThat(ParquetTypes.setter(column("timestamp_ntz"), int96, Json.MAPPER))
                .isNull();
        assertThat(ParquetTypes.setter(column("timestamptz"), int96, Json.MAPPER))
                .isNotNull();
        assertThat(ParquetTypes.setter(column("bigint"), uint64, Json.MAPPER)).isNull();
        assertThat(ParquetTypes.setter(column("string"), plainBinary, Json.MAPPER))
                .isNotNull();
        assertThat(ParquetTypes.setter(column("int"), timeMillis, Json.MAPPER)).isNull();
        assertThat(ParquetTypes.setter(column("time"), timeMillis, Json.MAPPER)).isNotNull();
    }

    private static ColumnSpec column(String type) {
        return new ColumnSpec("c", ColumnType.parse("c", type), true);
    }
}
