package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.ModelSpec;
import dev.pontoon.s3dest.event.Names;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.event.SourceSpec.SourceCompression;
import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.s3.S3Errors;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Rows of staged files in S3, read in the order of {@code source.uris}: GetObject → decompress → decode, one object
 * after another, through fixed buffers. No object is ever held whole in memory or written to disk.
 *
 * <p>A JSONL object is handed out in blocks of whole lines ({@link LineBlocks}), so that several threads can decode
 * one object: reading and decompressing stay in order on the thread that asks for the next block, and decoding,
 * the costly part, runs wherever the block goes. A line number is counted within its block and becomes the
 * object's line number by adding the lines of the blocks before it, known once they are decoded; only an error
 * message needs it, and by the time an error is reported every block before it has been read. A CSV object is one
 * piece (a quoted field may hold a newline, so lines are no safe place to cut it).
 */
public final class StagedRowSource implements RowSource {
    private static final int BUFFER = 256 * 1024;
    /** Bytes of an object's first JSONL block, whose lines size the later blocks. */
    static final int FIRST_BLOCK = 512 * 1024;
    /**
     * Lines per JSONL block after the first: two of the pipeline's batches of 1,024 rows, so a block's rows fit the
     * three batches its lane may hold and the thread decoding it never waits for the encoder to reach it.
     */
    static final int LINES_PER_BLOCK = 2048;

    /**
     * Bytes per ranged GET of a staged object, two fetched ahead (so 16 MiB of memory): S3's guidance for
     * throughput is ranges of 8 to 16 MB, one connection each.
     */
    static final int RANGE = 8 * 1024 * 1024;

    private static final int RANGES_AHEAD = 2;

    /**
     * The most bytes of column chunks one Parquet row group may need: an eighth of the heap, as each decoding thread
     * may hold one row group and the one being fetched waits beside them (SPEC §13's bound).
     */
    static long defaultMaxRowGroupBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    private final long maxRowGroupBytes = defaultMaxRowGroupBytes();

    private final S3Client s3;
    private final java.util.concurrent.ExecutorService rangeReaders;
    private final int range;
    private final SourceSpec spec;
    private final List<ColumnSpec> columns;
    private final ObjectMapper mapper;
    /** The longest JSONL line: one string at the mapper's limit twice over (room for multi-byte text). */
    private final int maxLine;
    /** Decoders not in use: a block takes one while it is decoded (decoders hold state, blocks are many). */
    private final java.util.concurrent.ConcurrentLinkedQueue<JsonDecoders> idle =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Whether the first JSONL object filled {@link #idle} (objects are opened one at a time, in order). */
    private boolean decodersPooled;
    /** Fields of the objects that match no declared column, from every decoding thread. */
    private final UnmatchedFields unmatched = new UnmatchedFields();
    /** When read here rather than by a pipeline: the pieces, and the one being read. */
    private Parts reading;

    private RowSource piece;

    /**
     * @param rangeReaders threads that fetch an object's next ranges while its current one is read; null to read
     *     each object as one GET
     */
    public StagedRowSource(
            S3Client s3,
            SourceSpec spec,
            List<ColumnSpec> modelColumns,
            ObjectMapper mapper,
            java.util.concurrent.ExecutorService rangeReaders) {
        this(s3, spec, modelColumns, mapper, rangeReaders, RANGE);
    }

    StagedRowSource(
            S3Client s3,
            SourceSpec spec,
            List<ColumnSpec> modelColumns,
            ObjectMapper mapper,
            java.util.concurrent.ExecutorService rangeReaders,
            int range) {
        this.rangeReaders = rangeReaders;
        this.range = range;
        this.s3 = s3;
        this.spec = spec;
        this.columns = List.copyOf(modelColumns);
        this.mapper = mapper;
        this.maxLine = 2 * mapper.getFactory().streamReadConstraints().getMaxStringLength();
    }

    @Override
    public boolean next(Row row) throws IOException {
        if (reading == null) {
            reading = parts();
        }
        while (true) {
            if (piece == null) {
                piece = reading.next();
                if (piece == null) {
                    return false;
                }
            }
            if (piece.next(row)) {
                return true;
            }
            piece.close();
            piece = null;
        }
    }

    @Override
    public UnmatchedFields unmatchedFields() {
        return unmatched;
    }

    @Override
    public void close() throws IOException {
        if (piece != null) {
            piece.close();
        }
        if (reading != null) {
            reading.close();
        }
    }

    /** The objects in order, each opened when the piece before it is handed out and the next one is asked for. */
    @Override
    public Parts parts() {
        return new Parts() {
            private int object;
            private Parts current;

            @Override
            public RowSource next() throws IOException {
                while (true) {
                    if (current == null) {
                        if (object == spec.uris().size()) {
                            return null;
                        }
                        current = open(spec.uris().get(object++));
                    }
                    RowSource part = current.next();
                    if (part != null) {
                        return part;
                    }
                    current.close();
                    current = null;
                }
            }

            @Override
            public void close() {
                if (current != null) {
                    current.close();
                    current = null;
                }
            }
        };
    }

    private Parts open(String uri) throws IOException {
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        if (spec.format() == SourceSpec.Format.PARQUET) {
            return new ParquetObject(
                    s3, new StagedObject.Where(uri, bucket, key), columns, mapper, spec, unmatched, maxRowGroupBytes);
        }
        InputStream object;
        try {
            object = rangeReaders == null
                    ? s3.getObject(r -> r.bucket(bucket).key(key))
                    : RangedObjectStream.open(s3, bucket, key, range, RANGES_AHEAD, rangeReaders);
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (source " + uri + ")", bucket, key);
        }
        StagedObject.Where where = new StagedObject.Where(uri, bucket, key);
        InputStream in;
        try {
            in = decompress(new BufferedInputStream(object, BUFFER), key, uri);
        } catch (IOException | RuntimeException e) {
            StagedObject.abort(object);
            throw e instanceof InvalidEventException invalid ? invalid : where.readFailure(e, 1);
        }
        if (spec.format() == SourceSpec.Format.JSONL) {
            return new JsonlBlocks(object, in, where);
        }
        if (spec.format() == SourceSpec.Format.ARROW) {
            return new ArrowObject(
                    in,
                    where,
                    columns,
                    mapper,
                    spec,
                    unmatched,
                    maxRowGroupBytes,
                    () -> StagedObject.abort(object), // read to its end, or abandoned: no draining the rest
                    () -> arrowFooterSchema(where));
        }
        return RowSource.single(new CsvRows(object, in, where, columns, mapper, spec, unmatched));
    }

    /**
     * The model's columns from the first staged object's own schema, for a Parquet or Arrow source with no declared
     * columns (SPEC §13): each column's type through the same mapping table as declared ones, exactly; nullable
     * unless the file says a value is required. The two pontoon__ columns of an earlier export are left out (they are
     * written anew); a column named like the partition key, two names equal ignoring case, a type with no model
     * equivalent or a nested column are refused, naming the object and the column.
     */
    public static List<ColumnSpec> sourceColumns(S3Client s3, SourceSpec spec) {
        String uri = spec.uris().get(0);
        String rest = uri.substring("s3://".length());
        StagedObject.Where where = new StagedObject.Where(
                uri, rest.substring(0, rest.indexOf('/')), rest.substring(rest.indexOf('/') + 1));
        List<String> names = new java.util.ArrayList<>();
        List<ColumnType> types = new java.util.ArrayList<>();
        List<Boolean> nullable = new java.util.ArrayList<>();
        if (spec.format() == SourceSpec.Format.PARQUET) {
            ParquetObject.schemaColumns(s3, where, names, types, nullable);
        } else if (spec.format() == SourceSpec.Format.ARROW) {
            StagedRowSource source = new StagedRowSource(s3, spec, List.of(), Json.MAPPER, null);
            source.arrowSchemaColumns(where, names, types, nullable);
        } else {
            throw new InvalidEventException("model.columns: must be declared for a " + spec.format() + " source");
        }
        List<ColumnSpec> columns = new java.util.ArrayList<>();
        java.util.Map<String, String> folded = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.equals(Names.BATCH_ID_COLUMN) || name.equals(Names.SYNCED_AT_COLUMN)) {
                continue;
            }
            String key = name.toLowerCase(java.util.Locale.ROOT);
            if (key.equals(Names.PARTITION_COLUMN)) {
                throw new InvalidEventException(uri + ": column '" + name + "' is named like the partition key dt,"
                        + " which readers show instead; declare model.columns without it");
            }
            String before = folded.putIfAbsent(key, name);
            if (before != null) {
                throw new InvalidEventException(uri + ": columns '" + before + "' and '" + name + "' are one name"
                        + " ignoring case, as Glue, Athena and Hive compare them; declare model.columns");
            }
            if (types.get(i) == null) {
                throw new InvalidEventException(uri + ": column '" + name + "' has a type no model column holds"
                        + " exactly (nested, or a half float, or a decimal wider than 38 digits); declare"
                        + " model.columns without it");
            }
            columns.add(new ColumnSpec(name, types.get(i), nullable.get(i)));
        }
        if (columns.isEmpty() || columns.size() > ModelSpec.MAX_COLUMNS) {
            throw new InvalidEventException(uri + ": its schema gives " + columns.size()
                    + " columns; a model needs 1 to " + ModelSpec.MAX_COLUMNS);
        }
        return columns;
    }

    /** The Arrow object's first schema (or its file footer's), as names, natural types and nullability. */
    private void arrowSchemaColumns(
            StagedObject.Where where, List<String> names, List<ColumnType> types, List<Boolean> nullable) {
        org.apache.arrow.flatbuf.Schema schema;
        InputStream object;
        try {
            object = s3.getObject(r -> r.bucket(where.bucket()).key(where.key()));
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (source " + where.uri() + ")", where.bucket(), where.key());
        }
        try {
            InputStream in = decompress(new BufferedInputStream(object, BUFFER), where.key(), where.uri());
            schema = ArrowObject.firstSchema(in, where, () -> arrowFooterSchema(where));
        } catch (IOException | RuntimeException e) {
            throw e instanceof InvalidEventException invalid ? invalid : where.readFailure(e, 1);
        } finally {
            StagedObject.abort(object); // only its first message was needed: the rest is not downloaded
        }
        for (int f = 0; f < schema.fieldsLength(); f++) {
            ArrowType type = ArrowType.of(schema.fields(f));
            names.add(type.name());
            types.add(ArrowVector.natural(type));
            nullable.add(schema.fields(f).nullable());
        }
    }

    /**
     * The schema in an Arrow file's footer: its last ten bytes give the footer's length (then the ARROW1 magic), and
     * a second ranged GET reads the footer. Only an uncompressed object has a footer to find this way.
     */
    private org.apache.arrow.flatbuf.Schema arrowFooterSchema(StagedObject.Where where) {
        String key = where.key().toLowerCase(java.util.Locale.ROOT);
        if (spec.compression() == SourceCompression.GZIP
                || spec.compression() == SourceCompression.ZSTD
                || key.endsWith(".gz")
                || key.endsWith(".zst")) {
            throw new InvalidEventException(where.uri() + ": an Arrow file (ARROW1) is read with its footer, which a"
                    + " compressed object hides; stage the stream format (.arrows) to compress it");
        }
        byte[] tail = range(where, "bytes=-10");
        java.nio.ByteBuffer t = java.nio.ByteBuffer.wrap(tail).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int length = tail.length < 10 ? -1 : t.getInt(0);
        if (length <= 0 || length > 64 * 1024 * 1024 || tail[4] != 'A' || tail[9] != '1') {
            throw new InvalidEventException(
                    where.uri() + ": starts like an Arrow file but has no footer at its end (truncated?)");
        }
        byte[] footer = range(where, "bytes=-" + (length + 10));
        try {
            return org.apache.arrow.flatbuf.Footer.getRootAsFooter(
                            java.nio.ByteBuffer.wrap(footer, 0, length).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN))
                    .schema();
        } catch (RuntimeException e) {
            throw new InvalidEventException(where.uri() + ": its Arrow file footer is not readable (corrupt)");
        }
    }

    private byte[] range(StagedObject.Where where, String range) {
        try {
            return s3.getObjectAsBytes(
                            r -> r.bucket(where.bucket()).key(where.key()).range(range))
                    .asByteArray();
        } catch (RuntimeException e) {
            throw S3Errors.map(e, "GetObject (source " + where.uri() + " footer)", where.bucket(), where.key());
        }
    }

    private InputStream decompress(BufferedInputStream in, String key, String uri) throws IOException {
        SourceCompression c = spec.compression();
        if (c == SourceCompression.AUTO) {
            c = detect(in, key);
        } else if (c == SourceCompression.NONE) {
            // Read as text, compressed bytes give a message about a control character: name the cause instead.
            SourceCompression looks = byMagic(in);
            if (looks != SourceCompression.NONE) {
                throw new InvalidEventException(uri + ": looks " + looks.name().toLowerCase(java.util.Locale.ROOT)
                        + "-compressed (its first bytes), but source.compression is none: set it to auto or "
                        + looks.name().toLowerCase(java.util.Locale.ROOT));
            }
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
        return byMagic(in);
    }

    /** Gzip 1f 8b, zstd 28 b5 2f fd, else none; the stream is left where it was. */
    private static SourceCompression byMagic(BufferedInputStream in) throws IOException {
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

    /** The two decoders of a JSONL line, used by one block at a time. */
    private final class JsonDecoders {
        final UnmatchedFields.Tally tally = unmatched.tally();
        final JsonLineDecoder fast = new JsonLineDecoder(columns, mapper)
                .rejectingUnknown(spec.drift().unknownAsError())
                .countingUnmatched(tally);
        final JsonRowDecoder general = new JsonRowDecoder(columns, mapper)
                .rejectingUnknown(spec.drift().unknownAsError())
                .countingUnmatched(tally);
    }

    /**
     * One JSONL object, handed out block by block. Each block gets the future count of the object's lines before
     * it, and completes the next block's count once it is decoded.
     */
    private final class JsonlBlocks implements Parts {
        private final InputStream object;
        private final LineBlocks blocks;
        private final StagedObject.Where where;
        private CompletableFuture<Long> linesBefore = CompletableFuture.completedFuture(0L);
        private boolean finished;

        JsonlBlocks(InputStream object, InputStream in, StagedObject.Where where) {
            this.object = object;
            this.blocks = new LineBlocks(in, FIRST_BLOCK, LINES_PER_BLOCK, maxLine);
            this.where = where;
            // A decoder for each block that can be decoded at once, made before the first block: a block that finds
            // the pool empty makes one, and that branch, untaken when the JIT compiled the decoding loop in an
            // earlier transfer, would throw the compiled loop away at the start of every later one.
            if (!decodersPooled) {
                decodersPooled = true;
                for (int i = Math.min(8, Runtime.getRuntime().availableProcessors() + 1); i > 0; i--) {
                    idle.add(new JsonDecoders());
                }
            }
        }

        @Override
        public RowSource next() {
            if (finished) {
                return null;
            }
            LineBlocks.Block block;
            try {
                block = blocks.next();
            } catch (LineReader.LineTooLongException e) {
                // the cutter found no newline at all: the long line is the first after the blocks handed out
                return failed(line -> where.lineTooLong(line, e));
            } catch (IOException | MalformedInputException | SdkException e) {
                return failed(line -> where.readFailure(e, line));
            }
            if (block == null) {
                finished = true;
                try {
                    object.close();
                } catch (IOException ignored) {
                    // fully read; nothing left to release
                }
                return null;
            }
            CompletableFuture<Long> after = new CompletableFuture<>();
            RowSource part = new BlockRows(block, linesBefore, after, where, blocks);
            linesBefore = after;
            return part;
        }

        /**
         * The piece that fails, the last of this object. Its failure names the line after the blocks handed out, so
         * it is made when that piece is read (on a decoding thread, once those blocks are decoded), not here.
         */
        private RowSource failed(java.util.function.LongFunction<RuntimeException> failure) {
            CompletableFuture<Long> before = linesBefore;
            close();
            return row -> {
                throw failure.apply(linesKnown(before) + 1);
            };
        }

        @Override
        public void close() {
            if (!finished) {
                finished = true;
                StagedObject.abort(object);
            }
        }
    }

    /** Lines of an object before a block, once the blocks before it are decoded (blocks until then). */
    private static long linesKnown(CompletableFuture<Long> before) {
        try {
            return before.get();
        } catch (InterruptedException e) {
            // the pipeline is closing; this failure is not the one reported
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return 0; // a block before this one failed, and its failure is the one reported
        }
    }

    /**
     * The lines of one JSONL block. Each line goes through {@link JsonLineDecoder}'s byte-level fast path first; a
     * line it declines is parsed again by Jackson and {@link JsonRowDecoder}, which accept it or name the error.
     */
    private final class BlockRows implements RowSource {
        private final LineBlocks.Block block;
        private final CompletableFuture<Long> before;
        private final CompletableFuture<Long> after;
        private final StagedObject.Where where;
        private final LineBlocks owner;
        private final java.util.function.Supplier<String> position = () -> where().uri() + " line " + line();
        private LineReader lines;
        private JsonDecoders decoders;
        private boolean done;

        BlockRows(
                LineBlocks.Block block,
                CompletableFuture<Long> before,
                CompletableFuture<Long> after,
                StagedObject.Where where,
                LineBlocks owner) {
            this.block = block;
            this.before = before;
            this.after = after;
            this.where = where;
            this.owner = owner;
        }

        private StagedObject.Where where() {
            return where;
        }

        @Override
        public boolean next(Row row) throws IOException {
            if (done) {
                return false;
            }
            if (lines == null) {
                lines = new LineReader(block.bytes(), block.length(), maxLine);
                decoders = idle.poll();
                if (decoders == null) {
                    decoders = new JsonDecoders();
                }
            }
            try {
                while (lines.next()) {
                    byte[] b = lines.buffer();
                    if (decoders.fast.decode(b, lines.start(), lines.end(), row)
                            || general(b, lines.start(), lines.end(), row)) {
                        return true;
                    }
                }
            } catch (LineReader.LineTooLongException e) {
                throw where.lineTooLong(line(), e);
            } catch (JsonProcessingException e) {
                String m = e.getOriginalMessage();
                if (m != null && m.startsWith("Duplicate field '")) {
                    // SPEC §3: the same key twice is an error, never the last value silently.
                    throw new InvalidEventException(where.uri() + " line " + line() + ": key "
                            + m.substring("Duplicate field ".length()) + " appears twice in one object");
                }
                throw new InvalidEventException(where.uri() + " line " + line() + ": not valid JSON: " + m);
            }
            long count = lines.number();
            // the next block's count, once this one's is known (or no count, if a block before failed)
            before.whenComplete((b, failed) -> {
                if (failed == null) {
                    after.complete(b + count);
                } else {
                    after.cancel(false);
                }
            });
            done = true;
            release();
            return false;
        }

        /** The object's line number of the current line. */
        private long line() {
            return linesKnown(before) + lines.number();
        }

        /** Jackson's reading of one line: false for a blank line, else the row or the error. */
        private boolean general(byte[] b, int start, int end, Row row) throws IOException {
            // Jackson reads an overlong form (C0 AF) as the character it spells ("/"): refused here instead.
            if (!Utf8.isValid(b, start, end)) {
                throw new InvalidEventException(where.uri() + " line " + line()
                        + ": not valid UTF-8 (an overlong form, an encoded surrogate, a stray or truncated byte)");
            }
            try (JsonParser parser = mapper.getFactory().createParser(b, start, end - start)) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return false;
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new InvalidEventException(where.uri() + " line " + line() + ": expected a JSON object, got "
                            + switch (token) {
                                case START_ARRAY -> "an array";
                                case VALUE_STRING -> "a string";
                                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                                default -> String.valueOf(token.asString());
                            });
                }
                decoders.general.decode(parser, row, position);
                if (parser.nextToken() != null) {
                    throw new InvalidEventException(where.uri() + " line " + line()
                            + ": more than one JSON value on the line (JSONL has one object per line)");
                }
                return true;
            }
        }

        /** Closed before its end (a failure, or the transfer stopping): blocks after it learn no line count. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                after.cancel(false);
                release();
            }
        }

        private void release() {
            if (decoders != null) {
                decoders.tally.flush();
                idle.add(decoders);
                decoders = null;
            }
            owner.release(block.bytes());
        }
    }
}
