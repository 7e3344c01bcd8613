package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JSONL fast path's doubles ({@link JsonNumbers#number}: Clinger's exact path, else FastDoubleParser) must be
 * {@link Double#parseDouble}'s, bit for bit, for every way a JSON number can be written.
 */
class DoubleLiteralTest {
    private static final class Reader extends JsonNumbers {
        Reader() {
            super(1 << 10);
        }

        double read(String text) {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            reset(bytes, 0, bytes.length);
            double v = number();
            assertThat(ok && pos == bytes.length).as(text).isTrue();
            return v;
        }
    }

    private static final Reader READER = new Reader();

    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void shortestDecimalsOfRandomDoublesRoundTrip() {
        for (int i = 0; i < 300_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(d)) {
                check(Double.toString(d));
                check(
                        new BigDecimal(Double.toString(d)).toPlainString().length() < 400
                                ? new BigDecimal(Double.toString(d)).toPlainString()
                                : Double.toString(d));
            }
        }
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
            int digits = random.nextInt(15, 25);
            check(mid.round(new MathContext(digits, RoundingMode.FLOOR)));
            check(mid.round(new MathContext(digits, RoundingMode.CEILING)));
            check(mid); // every digit of the midpoint: exactly between, ties to even
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
            "5e-324",
            "-0.0",
            "0e0",
            "-1E-400",
            "12345678901234567890123456789e-10",
            "0.000000000000000000000000000000000001"
        }) {
            check(s);
        }
    }

    private static void check(BigDecimal value) {
        check(value.toString().replace("+", ""));
    }

    private static void check(String text) {
        assertThat(Long.toHexString(Double.doubleToRawLongBits(READER.read(text))))
                .as(text)
                .isEqualTo(Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(text))));
    }
}
