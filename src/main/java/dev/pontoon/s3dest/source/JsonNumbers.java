package dev.pontoon.s3dest.source;

/**
 * The number readers of the JSONL fast path: integers, doubles (Clinger's exact path, then FastDoubleParser) and decimals as unscaled longs, each reading exactly what Jackson would, and
 * {@link #skipValue} for the values of fields the model does not name.
 */
abstract class JsonNumbers extends JsonCursor {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };
    private static final long[] LONG_POW10 = new long[19];

    static {
        LONG_POW10[0] = 1;
        for (int i = 1; i < LONG_POW10.length; i++) {
            LONG_POW10[i] = LONG_POW10[i - 1] * 10;
        }
    }

    /** Jackson's default nesting limit; the line's own object is the first level. */
    private static final int MAX_DEPTH = 200;

    /** How many digits {@link #digits} read last. */
    int run;
    /** Set by the number readers: false when the number is not one this class decodes. */
    boolean ok;

    JsonNumbers(int maxString) {
        super(maxString);
    }

    /**
     * Skips one JSON value, nested ones included, checking its syntax as strictly as Jackson would (so a line this
     * class accepts is one the general decoder accepts); false for anything wrong or nested deeper than Jackson's
     * limit.
     */
    final boolean skipValue(int depth) {
        int c = at();
        switch (c) {
            case '"' -> {
                return string();
            }
            case 't' -> {
                return literal("true");
            }
            case 'f' -> {
                return literal("false");
            }
            case 'n' -> {
                return literal("null");
            }
            case '{', '[' -> {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                int close = c == '{' ? '}' : ']';
                pos++;
                ws();
                if (at() == close) {
                    pos++;
                    return true;
                }
                while (true) {
                    if (c == '{' && (at() != '"' || !string() || !colon())) {
                        return false;
                    }
                    if (!skipValue(depth + 1)) {
                        return false;
                    }
                    ws();
                    int next = at();
                    pos++;
                    if (next == close) {
                        return true;
                    }
                    if (next != ',') {
                        return false;
                    }
                    ws();
                }
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                    return ok;
                }
                return false;
            }
        }
    }

    /** A JSON integer of at most 18 digits (anything longer, or with a fraction or exponent, is not ok). */
    final long integer() {
        ok = false;
        boolean negative = minus();
        int d0 = pos;
        long v = digits(0);
        if (run == 0 || run > 18 || (run > 1 && b[d0] == '0')) {
            return 0;
        }
        int c = at();
        if (c == '.' || c == 'e' || c == 'E') {
            return 0;
        }
        ok = true;
        return negative ? -v : v;
    }

    /**
     * A JSON number as the nearest double. Up to 18 significant digits with a power of ten within ±22 take
     * Clinger's exact path (both operands exact doubles, one correctly rounded operation); other numbers go through
     * FastDoubleParser, which gives what {@link Double#parseDouble} gives.
     */
    final double number() {
        ok = false;
        int s = pos;
        boolean negative = minus();
        int d0 = pos;
        long m = digits(0);
        int intDigits = run;
        if (intDigits == 0 || (intDigits > 1 && b[d0] == '0')) {
            return 0;
        }
        int digits = intDigits;
        int exponent = 0;
        if (at() == '.') {
            pos++;
            m = digits(m);
            if (run == 0) {
                return 0;
            }
            digits += run;
            exponent = -run;
        }
        int c = at();
        if (c == 'e' || c == 'E') {
            pos++;
            boolean negativeExponent = at() == '-';
            if (negativeExponent || at() == '+') {
                pos++;
            }
            long e = digits(0);
            if (run == 0) {
                return 0;
            }
            e = run > 6 ? 1_000_000 : e; // far outside any double; parseDouble gives 0 or infinity
            exponent += (int) (negativeExponent ? -e : e);
        }
        ok = true;
        double v;
        if (digits > 18 || m > (1L << 53) || exponent < -22 || exponent > 22) {
            return slowDouble(s, pos - s);
        }
        v = exponent < 0 ? m / POW10[-exponent] : m * POW10[exponent];
        // "-0" is an integer, and an integer zero has no sign: Jackson reads it as 0, so must this
        return negative && (m != 0 || pos - s > intDigits + 1) ? -v : v;
    }

    /** Chars of a number for {@link #slowDouble}: the literal is ASCII once its syntax is checked. */
    private char[] chars = new char[32];

    /**
     * A number Clinger's path cannot take, through FastDoubleParser as jackson-core ships it (correctly rounded:
     * what {@link Double#parseDouble} gives, 3-5 times faster; docs/BENCHMARKS.md, "Parsers"). The literal's JSON
     * syntax was checked by the caller, so the Java syntax FastDoubleParser also accepts never reaches it.
     */
    private double slowDouble(int start, int length) {
        if (chars.length < length) {
            chars = new char[Math.max(length, 2 * chars.length)];
        }
        for (int i = 0; i < length; i++) {
            chars[i] = (char) b[start + i];
        }
        return com.fasterxml.jackson.core.io.NumberInput.parseDouble(chars, 0, length, true);
    }

    /**
     * A plain JSON number (no exponent) as the unscaled value of {@code decimal(precision, scale)}; not ok if it
     * has more fraction digits than the scale or more integer digits than the type allows.
     */
    final long decimal(int precision, int scale) {
        ok = false;
        boolean negative = minus();
        int d0 = pos;
        long whole = digits(0);
        int intDigits = run;
        if (intDigits == 0 || intDigits > 18 || (intDigits > 1 && b[d0] == '0')) {
            return 0;
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (at() == '.') {
            pos++;
            fraction = digits(0);
            fractionDigits = run;
            if (fractionDigits == 0 || fractionDigits > scale) {
                return 0;
            }
        }
        int c = at();
        if (c == 'e' || c == 'E' || (whole != 0 && intDigits > precision - scale)) {
            return 0;
        }
        ok = true;
        long unscaled = whole * LONG_POW10[scale] + fraction * LONG_POW10[scale - fractionDigits];
        return negative ? -unscaled : unscaled;
    }

    /** Steps over a leading minus sign; whether there was one. */
    final boolean minus() {
        boolean negative = at() == '-';
        if (negative) {
            pos++;
        }
        return negative;
    }

    /**
     * Reads the run of digits at pos onto {@code start} (as more digits of the same number; it wraps past 18 digits,
     * which callers refuse or do not use); the count is left in {@link #run}.
     */
    final long digits(long start) {
        int d0 = pos;
        long v = start;
        for (int d; pos < end && (d = b[pos] - '0') >= 0 && d <= 9; pos++) {
            v = v * 10 + d;
        }
        run = pos - d0;
        return v;
    }
}
