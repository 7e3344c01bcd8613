package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.event.SourceSpec.SourceCompression;
import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.s3.S3Errors;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Rows of staged files in S3, read in the order of {@code source.uris}: GetObject → decompress → decode, one object
 * at a time, through fixed buffers. No object is ever held whole in memory or written to disk.
 */
public final class StagedRowSource implements RowSource {
    private static final int BUFFER = 256 * 1024;

    private final S3Client s3;
    private final SourceSpec spec;
    private final List<ColumnSpec> columns;
    private final ObjectMapper mapper;
    /** When read here rather than in {@link #parts()} by a pipeline: the pieces, and the one being read. */
    private List<RowSource> pieces;

    private int piece;

    public StagedRowSource(S3Client s3, SourceSpec spec, List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        this.s3 = s3;
        this.spec = spec;
        this.columns = List.copyOf(modelColumns);
        this.mapper = mapper;
    }

    @Override
    public boolean next(Row row) throws IOException {
        if (pieces == null) {
            pieces = parts();
        }
        while (piece < pieces.size()) {
            if (pieces.get(piece).next(row)) {
                return true;
            }
            piece++;
        }
        return false;
    }

    /** One piece per staged object, each opened when first read: objects can be decoded side by side. */
    @Override
    public List<RowSource> parts() {
        List<RowSource> parts = new java.util.ArrayList<>();
        for (String uri : spec.uris()) {
            parts.add(new RowSource() {
                private ObjectRows rows;
                private boolean done;

                @Override
                public boolean next(Row row) throws IOException {
                    if (done) {
                        return false;
                    }
                    if (rows == null) {
                        rows = open(uri);
                    }
                    if (rows.next(row)) {
                        return true;
                    }
                    rows.close();
                    rows = null;
                    done = true;
                    return false;
                }

                @Override
                public void close() {
                    if (rows != null) {
                        rows.abort();
                        rows = null;
                    }
                }
            });
        }
        return parts;
    }

    @Override
    public void close() throws IOException {
        if (pieces != null && piece < pieces.size()) {
            pieces.get(piece).close();
        }
    }

    private ObjectRows open(String uri) throws IOException {
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        ResponseInputStream<GetObjectResponse> object;
        try {
            object = s3.getObject(r -> r.bucket(bucket).key(key));
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (source " + uri + ")", bucket, key);
        }
        InputStream in = decompress(new BufferedInputStream(object, BUFFER), key, uri);
        return spec.format() == SourceSpec.Format.JSONL
                ? new JsonlRows(object, in, uri, bucket, key)
                : new CsvRows(object, in, uri, bucket, key);
    }

    private InputStream decompress(BufferedInputStream in, String key, String uri) throws IOException {
        SourceCompression c = spec.compression();
        if (c == SourceCompression.AUTO) {
            c = detect(in, key);
        }
        try {
            return switch (c) {
                case GZIP -> new GZIPInputStream(in, BUFFER);
                case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), BUFFER);
                default -> in;
            };
        } catch (ZipException e) {
            throw new InvalidEventException(uri + ": not a gzip file (" + e.getMessage() + ")");
        }
    }

    /** By extension first, then by the first bytes: gzip 1f 8b, zstd 28 b5 2f fd. */
    private static SourceCompression detect(BufferedInputStream in, String key) throws IOException {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        if (k.endsWith(".gz") || k.endsWith(".gzip")) {
            return SourceCompression.GZIP;
        }
        if (k.endsWith(".zst") || k.endsWith(".zstd")) {
            return SourceCompression.ZSTD;
        }
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return SourceCompression.GZIP;
        }
        if (magic.length == 4
                && (magic[0] & 0xff) == 0x28
                && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return SourceCompression.ZSTD;
        }
        return SourceCompression.NONE;
    }

    /** The rows of one object. */
    private abstract static class ObjectRows {
        private final ResponseInputStream<GetObjectResponse> object;
        final String uri;
        final String bucket;
        final String key;

        ObjectRows(ResponseInputStream<GetObjectResponse> object, String uri, String bucket, String key) {
            this.object = object;
            this.uri = uri;
            this.bucket = bucket;
            this.key = key;
        }

        abstract boolean next(Row row) throws IOException;

        /** The line a read failure is reported at. */
        abstract int line();

        final RuntimeException readFailure(Exception e) {
            if (e instanceof CharacterCodingException) {
                return new InvalidEventException(uri + " line " + line() + ": not valid UTF-8");
            }
            if (e instanceof ZipException
                    || e instanceof java.io.EOFException
                            && e.getMessage() != null
                            && e.getMessage().contains("ZLIB")) {
                return new InvalidEventException(
                        uri + ": corrupt gzip data near line " + line() + " (" + e.getMessage() + ")");
            }
            if (e instanceof MalformedInputException) {
                return new InvalidEventException(
                        uri + ": corrupt zstd data near line " + line() + " (" + e.getMessage() + ")");
            }
            return S3Errors.map(e, "GetObject (reading source " + uri + " at line " + line() + ")", bucket, key);
        }

        void close() {
            try {
                object.close();
            } catch (IOException ignored) {
                // fully read; nothing left to release
            }
        }

        /** Stops the download without reading the rest of the object. */
        void abort() {
            object.abort();
        }
    }

    /**
     * One JSON object per line. Each line goes through {@link JsonLineDecoder}'s byte-level fast path first; a line
     * it declines is parsed again by Jackson and {@link JsonRowDecoder}, which accept it or name the error.
     */
    private final class JsonlRows extends ObjectRows {
        private final LineReader lines;
        private final JsonLineDecoder fast;
        private final JsonRowDecoder decoder = new JsonRowDecoder(columns, mapper);
        private int line;
        private final java.util.function.Supplier<String> position = () -> uri + " line " + line;

        JsonlRows(
                ResponseInputStream<GetObjectResponse> object, InputStream in, String uri, String bucket, String key) {
            super(object, uri, bucket, key);
            // A line may hold one string at the mapper's limit twice over (room for multi-byte text); a longer
            // string fails with Jackson's message.
            this.fast = new JsonLineDecoder(columns, mapper);
            this.lines = new LineReader(
                    in, 2 * mapper.getFactory().streamReadConstraints().getMaxStringLength());
        }

        @Override
        boolean next(Row row) throws IOException {
            try {
                while (lines.next()) {
                    line = lines.number();
                    byte[] b = lines.buffer();
                    if (fast.decode(b, lines.start(), lines.end(), row)
                            || general(b, lines.start(), lines.end(), row)) {
                        return true;
                    }
                }
                return false;
            } catch (LineReader.LineTooLongException e) {
                throw new InvalidEventException(uri + " line " + lines.number() + ": " + e.getMessage()
                        + "; JSONL has one object per line, and a row may take at most that");
            } catch (JsonProcessingException e) {
                throw new InvalidEventException(uri + " line " + line + ": not valid JSON: " + e.getOriginalMessage());
            } catch (IOException | MalformedInputException e) {
                throw readFailure(e);
            }
        }

        /** Jackson's reading of one line: false for a blank line, else the row or the error. */
        private boolean general(byte[] b, int start, int end, Row row) throws IOException {
            try (JsonParser parser = mapper.getFactory().createParser(b, start, end - start)) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return false;
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new InvalidEventException(uri + " line " + line + ": expected a JSON object, got "
                            + switch (token) {
                                case START_ARRAY -> "an array";
                                case VALUE_STRING -> "a string";
                                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                                default -> String.valueOf(token.asString());
                            });
                }
                decoder.decode(parser, row, position);
                if (parser.nextToken() != null) {
                    throw new InvalidEventException(uri + " line " + line
                            + ": more than one JSON value on the line (JSONL has one object per line)");
                }
                return true;
            }
        }

        @Override
        int line() {
            return line;
        }
    }

    private final class CsvRows extends ObjectRows {
        private final CsvRecordReader reader;
        private final TextRowDecoder decoder = new TextRowDecoder(columns, mapper);
        private final List<String> record = new java.util.ArrayList<>();
        private int[] modelIndexOfField;
        private int headerSize;
        private final String[] values = new String[columns.size()];
        private final java.util.function.Supplier<String> position = this::position;

        CsvRows(ResponseInputStream<GetObjectResponse> object, InputStream in, String uri, String bucket, String key) {
            super(object, uri, bucket, key);
            this.reader = new CsvRecordReader(in, uri);
        }

        @Override
        boolean next(Row row) throws IOException {
            try {
                if (modelIndexOfField == null && !readHeader()) {
                    return false;
                }
                if (!reader.next(record)) {
                    return false;
                }
                if (record.size() != headerSize) {
                    throw new InvalidEventException(uri + " line " + reader.recordLine() + ": has " + record.size()
                            + " fields, the header has " + headerSize);
                }
                Arrays.fill(values, null);
                for (int f = 0; f < headerSize; f++) {
                    int m = modelIndexOfField[f];
                    if (m >= 0) {
                        values[m] = record.get(f);
                    }
                }
                decoder.decode(values, row, position);
                return true;
            } catch (IOException | MalformedInputException e) {
                throw readFailure(e);
            }
        }

        private String position() {
            return uri + " line " + reader.recordLine();
        }

        /** Maps header names to model columns; header fields the model does not name are skipped. */
        private boolean readHeader() throws IOException {
            if (!reader.next(record)) {
                return false;
            }
            if (!record.isEmpty() && record.get(0) != null && record.get(0).startsWith("\uFEFF")) {
                record.set(0, record.get(0).substring(1));
            }
            Map<String, Integer> modelIndex = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                modelIndex.put(columns.get(i).name(), i);
            }
            headerSize = record.size();
            modelIndexOfField = new int[headerSize];
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int f = 0; f < headerSize; f++) {
                String name = record.get(f);
                if (name != null && !seen.add(name)) {
                    throw new InvalidEventException(uri + " line 1: the header names column '" + name + "' twice");
                }
                modelIndexOfField[f] = name == null ? -1 : modelIndex.getOrDefault(name, -1);
            }
            return true;
        }

        @Override
        int line() {
            return reader.currentLine();
        }
    }
}
