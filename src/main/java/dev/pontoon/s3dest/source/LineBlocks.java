package dev.pontoon.s3dest.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * Cuts a byte stream into blocks of whole lines, so that the blocks can be decoded on different threads: each block
 * ends just after a newline (or at the end of the stream). The first block holds {@code firstBlock} bytes; its lines
 * are counted, and later blocks are sized to hold about {@code linesPerBlock} lines of that width (so a block's rows
 * fill a known number of the decoder's batches), more when one line is longer. Cutting costs a read and a backward
 * search for the last newline; the lines themselves are found by whoever decodes the block. Buffers are reused
 * once a block is {@link #release released}.
 *
 * <p>Not thread-safe: one caller at a time cuts (the source hands blocks out under its pipeline's lock), while
 * released buffers may come back from any thread.
 */
final class LineBlocks {
    /** A block: {@code bytes[0, length)}, whole lines. */
    record Block(byte[] bytes, int length) {}

    /** Bounds of a block's size, whatever the width of the lines. */
    static final int MIN_BLOCK = 16 * 1024;

    static final int MAX_BLOCK = 8 * 1024 * 1024;

    private final InputStream in;
    private final int linesPerBlock;
    private final int maxLine;
    /** Bytes to read for a block: {@code firstBlock} until the first block's lines were counted. */
    private volatile int blockSize;

    private boolean sized;
    /** Buffers of {@code blockSize} bytes ready for reuse. */
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    /** The start of a line cut off at the end of the previous block. */
    private byte[] tail = new byte[0];

    private int tailLength;
    private boolean eof;

    /**
     * @param maxLine the longest line accepted; a longer one fails as {@link LineReader.LineTooLongException}, as
     *     {@link LineReader} would
     */
    LineBlocks(InputStream in, int firstBlock, int linesPerBlock, int maxLine) {
        this.in = in;
        this.blockSize = firstBlock;
        this.linesPerBlock = linesPerBlock;
        this.maxLine = maxLine;
    }

    /** The next block, or null at the end of the stream. */
    Block next() throws IOException {
        if (eof && tailLength == 0) {
            return null;
        }
        byte[] buf = buffer(tailLength + 1);
        System.arraycopy(tail, 0, buf, 0, tailLength);
        int length = tailLength;
        int searched = tailLength; // the tail holds no newline
        tailLength = 0;
        while (true) {
            while (!eof && length < buf.length) {
                int n = in.read(buf, length, buf.length - length);
                if (n < 0) {
                    eof = true;
                } else {
                    length += n;
                }
            }
            int lastNewline = lastNewline(buf, searched, length);
            if (eof && length > 0) {
                if (!sized && lastNewline >= 0) {
                    size(buf, lastNewline + 1);
                }
                return new Block(buf, length); // the rest, with a last line that may have no newline
            }
            if (lastNewline >= 0) {
                keepTail(buf, lastNewline + 1, length);
                if (!sized) {
                    size(buf, lastNewline + 1);
                }
                return new Block(buf, lastNewline + 1);
            }
            if (eof) {
                release(buf);
                return null;
            }
            if (length > maxLine) {
                throw new LineReader.LineTooLongException(maxLine);
            }
            // one line longer than the buffer: grow it, up to room for the longest line and its newline
            searched = length;
            buf = java.util.Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, (long) maxLine + 2));
        }
    }

    /** Hands a block's buffer back once its lines are decoded (from any thread). */
    void release(byte[] buffer) {
        synchronized (free) {
            if (buffer.length == blockSize && free.size() < 16) {
                free.push(buffer);
            }
        }
    }

    private byte[] buffer(int atLeast) {
        int size = blockSize;
        if (atLeast <= size) {
            synchronized (free) {
                byte[] b = free.poll();
                if (b != null) {
                    return b;
                }
            }
            return new byte[size];
        }
        return new byte[atLeast + size];
    }

    /** Sizes later blocks from the width of the first block's lines. */
    private void size(byte[] buf, int length) {
        sized = true;
        int lines = 0;
        for (int i = 0; i < length; i++) {
            if (buf[i] == '\n') {
                lines++;
            }
        }
        long bytes = (long) length * linesPerBlock / lines;
        int size = (int) Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, bytes));
        if (size != blockSize) {
            synchronized (free) {
                free.clear();
                blockSize = size;
            }
        }
    }

    private void keepTail(byte[] buf, int from, int to) {
        tailLength = to - from;
        if (tail.length < tailLength) {
            tail = new byte[Math.max(tailLength, 1024)];
        }
        System.arraycopy(buf, from, tail, 0, tailLength);
    }

    private static int lastNewline(byte[] buf, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
