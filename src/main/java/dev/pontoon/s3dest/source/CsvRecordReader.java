package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.event.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Streams the records of an RFC 4180 CSV text: comma-separated, {@code "}-quoted fields, {@code ""} for a quote
 * inside quotes, CRLF or LF between records, newlines allowed inside quotes. An empty unquoted field is null; a
 * quoted empty field ({@code ""}) is the empty string. Reads through a fixed buffer, never a whole record list.
 */
final class CsvRecordReader {
    private final InputStream in;
    private final String where;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024).flip();
    private boolean endOfInput;
    private boolean flushed;
    private CharacterCodingException pendingError;
    private final char[] buf = new char[64 * 1024];
    private int pos;
    private int len;
    private int line = 1;
    private int recordLine;
    private final StringBuilder field = new StringBuilder();
    /**
     * The longest field, in characters: the JSON string limit. A quote that never closes would otherwise make the
     * whole rest of the object one field in memory.
     */
    static final int MAX_FIELD_CHARS = dev.pontoon.s3dest.event.Json.MAX_STRING_LENGTH;
    /** The longest record in characters, as the JSONL line limit bounds a JSONL row. */
    static final long MAX_RECORD_CHARS = 2L * MAX_FIELD_CHARS;

    private long recordChars;
    private java.util.List<String> header;

    /** @param in UTF-8 text; @param where the object's URI, for errors */
    CsvRecordReader(InputStream in, String where) {
        this.in = in;
        this.where = where;
    }

    /** The header's names, to name a field in errors (unset while the header itself is read). */
    void header(java.util.List<String> names) {
        this.header = java.util.List.copyOf(names);
    }

    /** The physical line (from 1) where the last record returned started. */
    int recordLine() {
        return recordLine;
    }

    /** The physical line being read now (where a read failure happened). */
    int currentLine() {
        return line;
    }

    /** Fills {@code fields} with the next record; false at the end of the text. */
    boolean next(List<String> fields) throws IOException {
        fields.clear();
        int c = read();
        // Blank lines between records carry no data.
        while (c == '\n' || c == '\r') {
            if (c == '\r' && peek() == '\n') {
                read();
            }
            line++;
            c = read();
        }
        if (c < 0) {
            return false;
        }
        recordLine = line;
        recordChars = 0;
        while (true) {
            field.setLength(0);
            if (c == '"') {
                int end = closingQuote();
                if (end >= 0) {
                    // the whole field is in the buffer and has no "" inside: one String, no copy char by char
                    fields.add(new String(buf, pos, end - pos));
                    pos = end + 1;
                    c = read();
                    if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                        throw afterQuote(c);
                    }
                } else {
                    c = quoted(fields.size());
                    fields.add(field.toString());
                }
            } else if (c < 0) {
                fields.add(null);
            } else {
                int end = plainEnd();
                if (end >= 0) {
                    // the whole field is in the buffer (c is its first character, at pos - 1)
                    int start = pos - 1;
                    bound(end - start, fields.size(), recordLine);
                    fields.add(end == start ? null : new String(buf, start, end - start));
                    pos = end;
                    c = read();
                } else {
                    while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                        append((char) c, fields.size(), recordLine);
                        c = read();
                    }
                    fields.add(field.length() == 0 ? null : field.toString());
                }
            }
            if (c == ',') {
                c = read();
                continue;
            }
            if (c == '\r' && peek() == '\n') {
                read();
            }
            if (c == '\n' || c == '\r') {
                line++;
            }
            return true;
        }
    }

    /**
     * Where the unquoted field whose first character is at {@code pos - 1} ends (a comma or line break) in the
     * buffer; -1 if it runs past what the buffer holds.
     */
    private int plainEnd() {
        for (int i = pos - 1; i < len; i++) {
            char ch = buf[i];
            if (ch == ',' || ch == '\n' || ch == '\r') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The closing quote of the quoted field that starts at {@code pos}, when the whole field is in the buffer, holds
     * no {@code ""} and fits the bounds (line breaks inside are counted); -1 to read it character by character.
     */
    private int closingQuote() {
        int limit = (int) Math.min(len, pos + Math.min(MAX_FIELD_CHARS, MAX_RECORD_CHARS - recordChars));
        int breaks = 0;
        for (int i = pos; i < limit; i++) {
            char ch = buf[i];
            if (ch == '"') {
                if (i + 1 >= len || buf[i + 1] == '"') {
                    return -1; // an escaped quote, or the buffer ends: the careful path decides
                }
                line += breaks;
                recordChars += i - pos;
                return i;
            }
            if (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
                if (i + 1 >= len) {
                    return -1;
                }
                breaks++;
            }
        }
        return -1;
    }

    /** Checks a field of {@code n} characters against the field and record bounds. */
    private void bound(int n, int index, int startLine) {
        recordChars += n;
        if (n >= MAX_FIELD_CHARS || recordChars > MAX_RECORD_CHARS) {
            throw tooLong(n >= MAX_FIELD_CHARS, index, startLine);
        }
    }

    private InvalidEventException afterQuote(int after) {
        return new InvalidEventException(where + " line " + line + ": unexpected '" + (char) after
                + "' after a closing quote (a quote inside a quoted field is written \"\")");
    }

    /** Reads a quoted field after its opening quote; returns the character after the closing quote. */
    private int quoted(int index) throws IOException {
        int startLine = line;
        while (true) {
            int c = read();
            if (c < 0) {
                throw new InvalidEventException(where + " line " + startLine + ": a quoted field is never closed");
            }
            if (c == '"') {
                if (peek() == '"') {
                    read();
                    append('"', index, startLine);
                    continue;
                }
                int after = read();
                if (after >= 0 && after != ',' && after != '\n' && after != '\r') {
                    throw afterQuote(after);
                }
                return after;
            }
            if (c == '\n' || (c == '\r' && peek() != '\n')) {
                line++;
            }
            append((char) c, index, startLine);
        }
    }

    /** Adds to the field, within the field and record bounds. */
    private void append(char c, int index, int startLine) {
        if (field.length() >= MAX_FIELD_CHARS || ++recordChars > MAX_RECORD_CHARS) {
            throw tooLong(field.length() >= MAX_FIELD_CHARS, index, startLine);
        }
        field.append(c);
    }

    private InvalidEventException tooLong(boolean fieldBound, int index, int startLine) {
        String name = header != null && index < header.size() ? "column " + header.get(index) : "field " + (index + 1);
        return new InvalidEventException(where + " line " + startLine + ", " + name + ": a field longer than "
                + (fieldBound
                        ? MAX_FIELD_CHARS + " characters"
                        : "its record allows (" + MAX_RECORD_CHARS + " characters)")
                + " (is a quote never closed?)");
    }

    private int read() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos++];
    }

    private int peek() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos];
    }

    /**
     * Decodes the next chunk of UTF-8. Decoding here rather than in an InputStreamReader keeps an invalid byte
     * sequence at its place: the characters before it are returned first, so the error names the right line.
     */
    private boolean fill() throws IOException {
        if (pendingError != null) {
            throw pendingError;
        }
        if (flushed) {
            return false;
        }
        CharBuffer out = CharBuffer.wrap(buf);
        while (out.position() == 0) {
            if (!endOfInput && bytes.remaining() < 4) {
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    endOfInput = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                pendingError = new MalformedInputException(result.length());
                if (out.position() == 0) {
                    throw pendingError;
                }
                break;
            }
            if (endOfInput && !bytes.hasRemaining()) {
                decoder.flush(out);
                flushed = true;
                break;
            }
        }
        pos = 0;
        len = out.position();
        return len > 0;
    }
}
