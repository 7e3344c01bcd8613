package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every answer {@link EiselLemire} gives must be {@link Double#parseDouble}'s, bit for bit. */
class EiselLemireTest {
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void shortestDecimalsOfRandomDoublesRoundTrip() {
        int decided = 0;
        int cases = 300_000;
        for (int i = 0; i < cases; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d) || d == 0) {
                continue;
            }
            decided += check(new BigDecimal(Double.toString(d))) ? 1 : 0;
        }
        // subnormals (about 0.05% of random bit patterns) and 19-digit renderings are left to parseDouble
        assertThat(decided).isGreaterThan(cases * 9 / 10);
    }

    @Test
    void randomMantissasAtEveryPowerOfTen() {
        for (int i = 0; i < 300_000; i++) {
            long m = random.nextLong(1, 1_000_000_000_000_000_000L) / (long) Math.pow(10, random.nextInt(18));
            check(new BigDecimal(java.math.BigInteger.valueOf(Math.max(m, 1)), -random.nextInt(-345, 340)));
        }
    }

    @Test
    void numbersNextToTheMidpointBetweenTwoDoublesRoundTheRightWay() {
        for (int i = 0; i < 200_000; i++) {
            double d = Math.abs(Double.longBitsToDouble(random.nextLong()));
            if (!Double.isFinite(d) || d == 0 || d == Double.MAX_VALUE) {
                continue;
            }
            BigDecimal mid =
                    new BigDecimal(d).add(new BigDecimal(Math.nextUp(d))).divide(BigDecimal.valueOf(2));
            MathContext digits = new MathContext(random.nextInt(15, 19), RoundingMode.UNNECESSARY);
            check(mid.round(new MathContext(digits.getPrecision(), RoundingMode.FLOOR)));
            check(mid.round(new MathContext(digits.getPrecision(), RoundingMode.CEILING)));
        }
    }

    @Test
    void edgesOfTheRange() {
        for (String s : new String[] {
            "1",
            "9007199254740993",
            "4.9e-324",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "1e-350",
            "1e310",
            "123456789012345678e-20",
            "999999999999999999e290",
            "1e23",
            "8.41e21",
            "5e-324"
        }) {
            check(new BigDecimal(s));
        }
    }

    /** Checks one value (its unscaled part must fit 18 digits to be asked); true if EiselLemire decided it. */
    private static boolean check(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.unscaledValue().abs().bitLength() > 63 || v.precision() > 18) {
            return false;
        }
        boolean negative = v.signum() < 0;
        long bits = EiselLemire.bits(v.unscaledValue().abs().longValueExact(), -v.scale(), negative);
        if (bits == EiselLemire.FAIL) {
            return false;
        }
        String text = v.toString();
        assertThat(Long.toHexString(bits))
                .as(text)
                .isEqualTo(Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(text))));
        return true;
    }
}
