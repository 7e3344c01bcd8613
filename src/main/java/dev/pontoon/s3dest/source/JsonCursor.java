package dev.pontoon.s3dest.source;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A position in one line of JSON bytes and the readers that step over its tokens: whitespace, literals, colons and
 * strings (escapes decoded, UTF-8 checked). Every reader returns false (or -1, or null) instead of throwing: the
 * line then goes to the general decoder, which gives the error. The state is plain fields, read and written by the
 * subclasses' loops directly: this is the per-byte path.
 */
abstract class JsonCursor {
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** The longest string accepted, as Jackson's stream constraints say. */
    final int maxString;

    private byte[] scratch = new byte[1024];

    byte[] b;
    int pos;
    int end;
    /** Where the last string read by {@link #string()} is. */
    byte[] text;

    int textFrom;
    int textLength;
    /** The line's end while a number is read inside a string ({@link #enterString}). */
    private int outerEnd;

    JsonCursor(int maxString) {
        this.maxString = maxString;
    }

    /** Starts reading {@code line[start, end)}. */
    final void reset(byte[] line, int start, int end) {
        this.b = line;
        this.pos = start;
        this.end = end;
    }

    /**
     * Reads a string from its opening quote: its UTF-8 bytes, escapes decoded, are then {@code text[textFrom,
     * textFrom + textLength)} (the line itself, or the scratch buffer when there were escapes). False to give up.
     */
    final boolean string() {
        pos++;
        int s = pos;
        boolean ascii = true;
        // skip eight plain bytes at a time: no quote, no backslash, no control character, no byte >= 0x80
        while (pos + 8 <= end) {
            long w = (long) LONGS.get(b, pos);
            long quote = w ^ 0x2222222222222222L;
            long slash = w ^ 0x5C5C5C5C5C5C5C5CL;
            long special = ((quote - ONES) & ~quote) | ((slash - ONES) & ~slash) | ((w - 0x2020202020202020L) & ~w) | w;
            if ((special & HIGH_BITS) != 0) {
                break;
            }
            pos += 8;
        }
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                return escaped(s, ascii);
            }
            if (c >= 0 && c < 0x20) {
                return false;
            }
            ascii &= c >= 0;
            pos++;
        }
        if (pos >= end || pos - s > maxString || (!ascii && !Utf8.isValid(b, s, pos))) {
            return false;
        }
        text = b;
        textFrom = s;
        textLength = pos - s;
        pos++;
        return true;
    }

    /** The rest of a string that has escapes: decoded into the scratch buffer (never longer than the raw text). */
    private boolean escaped(int s, boolean asciiSoFar) {
        if (scratch.length < end - s) {
            scratch = new byte[Math.max(end - s, scratch.length * 2)];
        }
        int o = pos - s;
        System.arraycopy(b, s, scratch, 0, o);
        boolean ascii = asciiSoFar;
        while (pos < end) {
            byte c = b[pos++];
            if (c == '"') {
                if (o > maxString || (!ascii && !Utf8.isValid(scratch, 0, o))) {
                    return false;
                }
                text = scratch;
                textFrom = 0;
                textLength = o;
                return true;
            }
            if (c >= 0 && c < 0x20) {
                return false;
            }
            if (c != '\\') {
                ascii &= c >= 0;
                scratch[o++] = c;
                continue;
            }
            if (pos >= end) {
                return false;
            }
            switch (b[pos++]) {
                case '"' -> scratch[o++] = '"';
                case '\\' -> scratch[o++] = '\\';
                case '/' -> scratch[o++] = '/';
                case 'b' -> scratch[o++] = '\b';
                case 'f' -> scratch[o++] = '\f';
                case 'n' -> scratch[o++] = '\n';
                case 'r' -> scratch[o++] = '\r';
                case 't' -> scratch[o++] = '\t';
                case 'u' -> {
                    int cp = hex4();
                    if (cp < 0 || Character.isLowSurrogate((char) cp)) {
                        return false;
                    }
                    if (Character.isHighSurrogate((char) cp)) {
                        if (pos + 1 >= end || b[pos] != '\\' || b[pos + 1] != 'u') {
                            return false;
                        }
                        pos += 2;
                        int low = hex4();
                        if (low < 0 || !Character.isLowSurrogate((char) low)) {
                            return false;
                        }
                        cp = Character.toCodePoint((char) cp, (char) low);
                    }
                    o = Utf8.put(scratch, o, cp);
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /** Four hex digits as a value, or -1. */
    private int hex4() {
        if (pos + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos++], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** A string of plain ASCII without escapes (what dates and timestamps are), or null to give up. */
    final String asciiString() {
        int close = plainStringEnd();
        if (close < 0) {
            return null;
        }
        String text = new String(b, pos + 1, close - pos - 1, StandardCharsets.ISO_8859_1);
        pos = close + 1;
        return text;
    }

    /**
     * Steps inside a plain string (ASCII, no escapes) at pos so a number reader sees only its content; -1 (and
     * {@code ok} false, nothing moved) if the string is not plain. {@link #leaveString} steps out.
     */
    final int enterString() {
        int close = plainStringEnd();
        if (close < 0) {
            return -1;
        }
        outerEnd = end;
        end = close;
        pos++;
        return close;
    }

    /** Steps out of the string entered; false if the reader did not consume all of it. */
    final boolean leaveString(int close) {
        boolean whole = pos == close;
        end = outerEnd;
        pos = close + 1;
        return whole;
    }

    /** The index of the closing quote of a plain ASCII string without escapes that starts at pos, or -1. */
    final int plainStringEnd() {
        for (int i = pos + 1; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    final boolean literal(String word) {
        int n = word.length();
        if (pos + n > end) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += n;
        return true;
    }

    /** The colon after a field name, with the spaces around it; false if it is not there. */
    final boolean colon() {
        ws();
        if (at() != ':') {
            return false;
        }
        pos++;
        ws();
        return true;
    }

    final int at() {
        return pos < end ? b[pos] & 0xFF : -1;
    }

    final void ws() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }
}
