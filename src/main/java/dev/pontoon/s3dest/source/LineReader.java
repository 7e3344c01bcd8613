package dev.pontoon.s3dest.source;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Splits bytes already in memory (a block of whole lines, {@link LineBlocks}) into lines without decoding them: each
 * line is a range {@code [start, end)} of {@link #buffer()}.
 */
final class LineReader {
    /** Thrown when a line is longer than the limit; the caller names the file and line. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int limit) {
            super("longer than " + limit + " bytes");
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private final int limit;
    private final int maxLine;
    private int next;
    private int start;
    private int end;
    private int number;

    /** The lines of {@code bytes[0, length)}, read in place. */
    LineReader(byte[] bytes, int length, int maxLine) {
        this.buf = bytes;
        this.limit = length;
        this.maxLine = maxLine;
    }

    /** Moves to the next line; false at the end. A last line without a newline is still a line. */
    boolean next() throws LineTooLongException {
        int i = next;
        // eight bytes at a time: a byte equal to '\n' becomes zero after the XOR, and the classic
        // "has a zero byte" test flags it; the lowest flag is the first newline (little-endian)
        for (; i + 8 <= limit; i += 8) {
            long w = (long) LONGS.get(buf, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long zero = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L;
            if (zero != 0) {
                int at = i + (Long.numberOfTrailingZeros(zero) >>> 3);
                return take(at, at + 1);
            }
        }
        for (; i < limit; i++) {
            if (buf[i] == '\n') {
                return take(i, i + 1);
            }
        }
        return next < limit && take(limit, limit);
    }

    private boolean take(int lineEnd, int after) throws LineTooLongException {
        number++;
        if (lineEnd - next > maxLine) {
            throw new LineTooLongException(maxLine);
        }
        start = next;
        end = lineEnd;
        next = after;
        return true;
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** 1-based number of the current line. */
    int number() {
        return number;
    }
}
