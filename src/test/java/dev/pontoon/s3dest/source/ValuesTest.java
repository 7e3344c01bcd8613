package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.event.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void decimalsAreExactAndTrailingZerosAreNotExtraDigits() {
        assertThat(Values.unscaled(new BigDecimal("1.50"), ColumnType.decimal(3, 1)))
                .isEqualTo(BigInteger.valueOf(15));
        assertThat(Values.unscaled(new BigDecimal("0.1"), ColumnType.decimal(2, 2)))
                .isEqualTo(BigInteger.valueOf(10));
        assertThat(Values.unscaled(new BigDecimal("-999.99"), ColumnType.decimal(5, 2)))
                .isEqualTo(BigInteger.valueOf(-99999));
        assertThatThrownBy(() -> Values.unscaled(new BigDecimal("1.55"), ColumnType.decimal(3, 1)))
                .hasMessage("1.55 has more than 1 fraction digits");
        assertThatThrownBy(() -> Values.unscaled(new BigDecimal("1000.00"), ColumnType.decimal(5, 2)))
                .hasMessage("1000.00 has more than 3 integer digits for decimal(5,2)");
        assertThatThrownBy(() -> Values.unscaled(new BigDecimal("1E+5"), ColumnType.decimal(5, 0)))
                .hasMessageContaining("more than 5 integer digits");
    }

    @Test
    void fixedWidthDecimalsAreSignExtended() {
        assertThat(Values.fixedDecimal(BigInteger.valueOf(-1), 20)).hasSize(9).containsOnly((byte) 0xFF);
        byte[] one = Values.fixedDecimal(BigInteger.ONE, 38);
        assertThat(one).hasSize(16);
        assertThat(one[15]).isEqualTo((byte) 1);
        assertThat(one[0]).isZero();
    }

    @Test
    void timestampsWithOffsetAreStoredInUtcMicros() {
        assertThat(Values.timestampUtc("1970-01-01T00:00:00.000001Z")).isEqualTo(1);
        assertThat(Values.timestampUtc("1970-01-01T01:00:00+01:00")).isZero();
        assertThat(Values.timestampUtc("1970-01-01 00:00:01Z")).isEqualTo(1_000_000);
        // ISO-8601's basic offset form, as its extended and hour-only forms.
        assertThat(Values.timestampUtc("1970-01-01T09:00:00+0900")).isZero();
        assertThat(Values.timestampUtc("1970-01-01T09:00:00.5+09")).isEqualTo(500_000);
        assertThat(Values.timestampUtc("1969-12-31T20:30:00-0330")).isZero();
        assertThatThrownBy(() -> Values.timestampUtc("2025-09-25T13:22:33"))
                .hasMessageContaining("is not an ISO-8601 timestamp with offset");
        assertThatThrownBy(() -> Values.timestampUtc("2025-02-30T00:00:00Z"))
                .hasMessageContaining("is not an ISO-8601");
    }

    @Test
    void epochDaysAgreeWithJavaTimeForEveryDayOfFourDigitYears() {
        for (java.time.LocalDate d = java.time.LocalDate.of(0, 1, 1); d.getYear() < 10_000; d = d.plusDays(1)) {
            if (Values.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != d.toEpochDay()) {
                throw new AssertionError("epoch day of " + d);
            }
        }
    }

    @Test
    void theFastTimestampPathAgreesWithJavaTime() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            java.time.Instant instant = java.time.Instant.ofEpochSecond(
                    random.nextLong(-5_000_000_000L, 10_000_000_000L), random.nextInt(1_000_000_000));
            int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
            java.time.OffsetDateTime t = instant.atOffset(java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            for (String text :
                    new String[] {t.toString(), t.format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)}) {
                assertThat(Values.timestampUtc(text)).as(text).isEqualTo(Values.micros(instant));
            }
            String local = t.toLocalDateTime().format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            assertThat(Values.timestampNtz(local))
                    .as(local)
                    .isEqualTo(Values.micros(t.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC)));
        }
        assertThat(Values.timestampUtc("2024-02-29T23:59:59.9999999+00:00"))
                .isEqualTo(Values.timestampUtc("2024-02-29T23:59:59.999999Z"));
        assertThatThrownBy(() -> Values.timestampUtc("2023-02-29T00:00:00Z"))
                .hasMessageContaining("is not an ISO-8601");
        assertThatThrownBy(() -> Values.timestampUtc("2023-01-01T24:00:00Z"))
                .hasMessageContaining("is not an ISO-8601");
        assertThatThrownBy(() -> Values.timestampNtz("2023-01-01T00:00:00+01:00"))
                .hasMessageContaining("without offset");
    }

    @Test
    void naiveTimestampsDatesAndTimes() {
        assertThat(Values.timestampNtz("1970-01-02T00:00:00")).isEqualTo(86_400_000_000L);
        assertThatThrownBy(() -> Values.timestampNtz("2025-09-25T13:22:33Z")).hasMessageContaining("without offset");
        assertThat(Values.date("1970-01-02")).isEqualTo(1);
        assertThat(Values.date("1969-12-31")).isEqualTo(-1);
        assertThatThrownBy(() -> Values.date("2023-02-29")).hasMessage("'2023-02-29' is not a date (yyyy-MM-dd)");
        assertThat(Values.time("00:00:01.5")).isEqualTo(1_500_000);
        assertThatThrownBy(() -> Values.time("24:00:00")).hasMessageContaining("is not a time");
    }

    @Test
    void boundedStringsCountCharactersNotBytes() {
        ColumnType two = ColumnType.parse("t", "varchar(2)");
        Values.checkLength(two, "éé");
        assertThat(Values.codePoints("éé".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 4))
                .isEqualTo(2);
        assertThat(Values.codePoints("a😀".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 5))
                .isEqualTo(2);
        Values.checkLength(two, "a😀");
        assertThatThrownBy(() -> Values.checkLength(two, "abc"))
                .hasMessage("'abc' is 3 characters; varchar(2) allows at most 2");
        assertThat(two).hasToString("varchar(2)");
        assertThat(ColumnType.parse("t", "timestamptz"))
                .hasToString("timestamptz")
                .isEqualTo(ColumnType.parse("t", "timestamp"));
    }
}
