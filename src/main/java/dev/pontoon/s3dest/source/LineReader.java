package dev.pontoon.s3dest.source;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Splits a byte stream into lines without decoding it: each line is a range {@code [start, end)} of {@link #buffer()},
 * valid until the next call to {@link #next()}. The buffer grows to hold the longest line, up to a limit, so memory
 * is bounded by the longest row rather than by the file.
 */
final class LineReader {
    /** Thrown when a line is longer than the limit; the caller names the file and line. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int limit) {
            super("longer than " + limit + " bytes");
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final int maxLine;
    private byte[] buf;
    private int limit;
    private int next;
    private int scanned;
    private boolean eof;
    private int start;
    private int end;
    private int number;

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
        this.buf = new byte[256 * 1024];
    }

    /** The lines of {@code bytes[0, length)}, read in place. */
    LineReader(byte[] bytes, int length, int maxLine) {
        this.in = InputStream.nullInputStream();
        this.maxLine = maxLine;
        this.buf = bytes;
        this.limit = length;
        this.eof = true;
    }

    /** Moves to the next line; false at the end of the stream. A last line without a newline is still a line. */
    boolean next() throws IOException {
        while (true) {
            int i = scanned;
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
            scanned = limit;
            if (eof) {
                return next < limit && take(limit, limit);
            }
            fill();
        }
    }

    private boolean take(int lineEnd, int after) throws LineTooLongException {
        number++;
        if (lineEnd - next > maxLine) {
            throw new LineTooLongException(maxLine);
        }
        start = next;
        end = lineEnd;
        next = after;
        scanned = after;
        return true;
    }

    private void fill() throws IOException {
        int pending = limit - next;
        if (pending > maxLine) {
            number++;
            throw new LineTooLongException(maxLine);
        }
        if (next > 0) {
            System.arraycopy(buf, next, buf, 0, pending);
            scanned -= next;
            limit = pending;
            next = 0;
        } else if (limit == buf.length) {
            byte[] bigger = new byte[(int) Math.min((long) buf.length * 2, (long) maxLine + buf.length)];
            System.arraycopy(buf, 0, bigger, 0, limit);
            buf = bigger;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
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
