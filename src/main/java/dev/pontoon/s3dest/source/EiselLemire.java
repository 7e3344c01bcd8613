package dev.pontoon.s3dest.source;

import java.math.BigInteger;

/**
 * Decimal to double in one or two 64×64-bit multiplications, the Eisel–Lemire algorithm (D. Lemire, "Number
 * parsing at a gigabyte per second", 2021; the form here follows the Go standard library's). It answers exactly —
 * the nearest double, ties to even — or not at all: a result it cannot prove (a near-halfway case, a subnormal,
 * an overflow) is {@link #FAIL}, and the caller uses {@link Double#parseDouble}. {@code EiselLemireTest} checks
 * it against {@code Double.parseDouble}, bit for bit, on 800,000 inputs.
 */
final class EiselLemire {
    /** Not a double's bit pattern this returns (a NaN with a payload), meaning "could not decide". */
    static final long FAIL = 0x7FF8_DEAD_0000_0001L;

    private static final int MIN_EXP10 = -348;
    private static final int MAX_EXP10 = 347;
    /** For 10^e, e in [MIN_EXP10, MAX_EXP10]: the top 128 bits of its binary mantissa, rounded down; [hi, lo]. */
    private static final long[] HI = new long[MAX_EXP10 - MIN_EXP10 + 1];

    private static final long[] LO = new long[MAX_EXP10 - MIN_EXP10 + 1];

    static {
        BigInteger mask64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int e = MIN_EXP10; e <= MAX_EXP10; e++) {
            BigInteger m;
            if (e >= 0) {
                BigInteger p = BigInteger.TEN.pow(e);
                int shift = 128 - p.bitLength();
                m = shift >= 0 ? p.shiftLeft(shift) : p.shiftRight(-shift);
            } else {
                BigInteger p = BigInteger.TEN.pow(-e);
                m = BigInteger.ONE.shiftLeft(127 + p.bitLength()).divide(p);
            }
            HI[e - MIN_EXP10] = m.shiftRight(64).longValue();
            LO[e - MIN_EXP10] = m.and(mask64).longValue();
        }
    }

    private EiselLemire() {}

    /**
     * The bits of the double nearest to {@code mantissa × 10^exp10} (mantissa read as unsigned, not zero), or
     * {@link #FAIL}.
     */
    static long bits(long mantissa, int exp10, boolean negative) {
        if (mantissa == 0 || exp10 < MIN_EXP10 || exp10 > MAX_EXP10) {
            return FAIL;
        }
        int clz = Long.numberOfLeadingZeros(mantissa);
        long man = mantissa << clz;
        long retExp2 = ((217706L * exp10) >> 16) + 64 + 1023 - clz;
        int i = exp10 - MIN_EXP10;
        long xHi = unsignedMultiplyHigh(man, HI[i]);
        long xLo = man * HI[i];
        if ((xHi & 0x1FF) == 0x1FF && Long.compareUnsigned(xLo + man, man) < 0) {
            long yHi = unsignedMultiplyHigh(man, LO[i]);
            long yLo = man * LO[i];
            long mergedHi = xHi;
            long mergedLo = xLo + yHi;
            if (Long.compareUnsigned(mergedLo, xLo) < 0) {
                mergedHi++;
            }
            if ((mergedHi & 0x1FF) == 0x1FF && mergedLo + 1 == 0 && Long.compareUnsigned(yLo + man, man) < 0) {
                return FAIL;
            }
            xHi = mergedHi;
            xLo = mergedLo;
        }
        long msb = xHi >>> 63;
        long retMantissa = xHi >>> (msb + 9);
        retExp2 -= 1 ^ msb;
        if (xLo == 0 && (xHi & 0x1FF) == 0 && (retMantissa & 3) == 1) {
            return FAIL; // exactly between two doubles, as far as 128 bits can tell
        }
        retMantissa += retMantissa & 1;
        retMantissa >>>= 1;
        if ((retMantissa >>> 53) > 0) {
            retMantissa >>>= 1;
            retExp2 += 1;
        }
        if (Long.compareUnsigned(retExp2 - 1, 0x7FF - 1) >= 0) {
            return FAIL; // subnormal, infinite or out of range
        }
        long result = retExp2 << 52 | retMantissa & 0x000F_FFFF_FFFF_FFFFL;
        return negative ? result | 0x8000_0000_0000_0000L : result;
    }

    /** The high 64 bits of the unsigned 128-bit product (Java 17 has only the signed one). */
    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}
