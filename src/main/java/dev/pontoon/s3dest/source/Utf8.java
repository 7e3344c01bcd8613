package dev.pontoon.s3dest.source;

/** UTF-8 checks and encoding on byte ranges, without decoding to chars. */
final class Utf8 {
    private Utf8() {}

    /**
     * Whether {@code b[from, to)} is well-formed UTF-8 as the Unicode standard defines it: no overlong forms, no
     * encoded surrogates, nothing above U+10FFFF, no truncated sequence.
     */
    static boolean isValid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            int max = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = c == 0xE0 ? 0xA0 : 0x80;
                max = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = c == 0xF0 ? 0x90 : 0x80;
                max = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            if (i + n >= to) {
                return false;
            }
            int second = b[i + 1] & 0xFF;
            if (second < min || second > max) {
                return false;
            }
            for (int k = 2; k <= n; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += n + 1;
        }
        return true;
    }

    /** Writes {@code codePoint} as UTF-8 at {@code out[o]}; returns the position after it. */
    static int put(byte[] out, int o, int codePoint) {
        if (codePoint < 0x80) {
            out[o++] = (byte) codePoint;
        } else if (codePoint < 0x800) {
            out[o++] = (byte) (0xC0 | codePoint >> 6);
            out[o++] = (byte) (0x80 | codePoint & 0x3F);
        } else if (codePoint < 0x10000) {
            out[o++] = (byte) (0xE0 | codePoint >> 12);
            out[o++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
            out[o++] = (byte) (0x80 | codePoint & 0x3F);
        } else {
            out[o++] = (byte) (0xF0 | codePoint >> 18);
            out[o++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
            out[o++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
            out[o++] = (byte) (0x80 | codePoint & 0x3F);
        }
        return o;
    }
}
