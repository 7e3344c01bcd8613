package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.ColumnType.Kind;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.parquet.Row;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.flatbuf.Schema;
import org.apache.parquet.io.api.Binary;

/**
 * One staged Arrow IPC object (SPEC §13): the stream format ({@code .arrows}), several streams back to back as
 * Pontoon's append-mode cache writes them (each with its own schema), or the file format ({@code .arrow}, whose
 * stream part is read in order; its schema from its footer when the stream part does not repeat it, as Arrow's
 * JavaScript writer does not). Read front to back, message by message: a schema is
 * matched to the model by name and type before any row ({@link ArrowVector#natural}, the same rules as Parquet's);
 * dictionary batches are kept by id; each record batch is one piece, its body read here (on the thread handing
 * pieces out) and its rows decoded on a decoding thread straight from the body's buffers. Memory: one record
 * batch's body per piece in flight, bounded like a Parquet row group.
 */
final class ArrowObject implements RowSource.Parts {
    private static final byte[] FILE_MAGIC = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};

    private final InputStream in;
    private final StagedObject.Where where;
    private final List<ColumnSpec> columns;
    private final ObjectMapper mapper;
    private final SourceSpec spec;
    private final UnmatchedFields unmatched;
    private final long maxBatchBytes;
    private final Runnable release;
    /** The file format's schema, from its footer (writers need not repeat it in the stream part); null: none. */
    private final java.util.function.Supplier<Schema> footerSchema;

    /** The current stream's schema: each model column's top-level field index (-1: absent) and type. */
    private int[] fieldOfColumn;

    private ArrowType[] fieldTypes;
    private String[] fieldNames;
    private final Map<Long, ArrowVector> dictionaries = new HashMap<>();
    private long rowsBefore;
    private int streams;
    private boolean first = true;
    /** The file format (ARROW1 magic): its stream part ends at the first end-of-stream marker, then its footer. */
    private boolean fileFormat;

    private boolean done;

    ArrowObject(
            InputStream in,
            StagedObject.Where where,
            List<ColumnSpec> columns,
            ObjectMapper mapper,
            SourceSpec spec,
            UnmatchedFields unmatched,
            long maxBatchBytes,
            Runnable release,
            java.util.function.Supplier<Schema> footerSchema) {
        this.footerSchema = footerSchema;
        this.in = in;
        this.where = where;
        this.columns = columns;
        this.mapper = mapper;
        this.spec = spec;
        this.unmatched = unmatched;
        this.maxBatchBytes = maxBatchBytes;
        this.release = release;
    }

    @Override
    public RowSource next() throws IOException {
        while (!done) {
            Message message = readMessage();
            if (message == null) {
                close();
                return null;
            }
            if (fieldTypes == null && fileFormat && message.headerType() != MessageHeader.Schema) {
                schema(footerSchema.get()); // the file format's schema lives in its footer
            }
            switch (message.headerType()) {
                case MessageHeader.Schema -> schema((Schema) message.header(new Schema()));
                case MessageHeader.DictionaryBatch -> dictionary(message);
                case MessageHeader.RecordBatch -> {
                    if (fieldTypes == null) {
                        throw invalid("a record batch before any schema");
                    }
                    RecordBatch batch = (RecordBatch) message.header(new RecordBatch());
                    ByteBuffer body = body(message.bodyLength());
                    long before = rowsBefore;
                    rowsBefore += batch.length();
                    return new BatchRows(vectors(batch, body), Math.toIntExact(batch.length()), before);
                }
                default -> {
                    body(message.bodyLength()); // a tensor or other message: not rows
                }
            }
        }
        return null;
    }

    /** The object's first schema: its first message's, or its file footer's when the stream part does not hold it. */
    static Schema firstSchema(InputStream in, StagedObject.Where where, java.util.function.Supplier<Schema> footer)
            throws IOException {
        ArrowObject reader = new ArrowObject(
                in, where, List.of(), null, null, UnmatchedFields.none(), Long.MAX_VALUE, () -> {}, footer);
        Message message = reader.readMessage();
        if (message == null) {
            throw reader.invalid("holds no Arrow schema");
        }
        return message.headerType() == MessageHeader.Schema ? (Schema) message.header(new Schema()) : footer.get();
    }

    /**
     * The next message's metadata, or null at the end of the object. An end-of-stream marker ends one stream;
     * another may follow (a new schema), as appended streams do.
     */
    private Message readMessage() throws IOException {
        while (true) {
            byte[] prefix = in.readNBytes(first ? 8 : 4);
            if (first) {
                first = false;
                if (Arrays.equals(prefix, FILE_MAGIC)) {
                    fileFormat = true;
                    prefix = in.readNBytes(4); // the file format: its stream part follows the magic
                } else if (prefix.length == 8) {
                    int length = readMetadataLength(Arrays.copyOf(prefix, 4), Arrays.copyOfRange(prefix, 4, 8));
                    if (length == 0) {
                        continue;
                    }
                    return metadata(length);
                }
            }
            if (prefix.length == 0) {
                return null;
            }
            if (prefix.length < 4) {
                throw invalid("ends inside a message prefix");
            }
            int length = readMetadataLength(prefix, null);
            if (length == 0) {
                if (fileFormat) {
                    return null; // the footer follows; every batch was read in order
                }
                fieldTypes = null; // end of this stream; another may follow
                continue;
            }
            if (length == FOOTER) {
                return null; // the file format's footer and trailing magic: all batches were read
            }
            return metadata(length);
        }
    }

    /** A marker for the start of the file format's footer, where its stream part ended without a marker. */
    private static final int FOOTER = Integer.MIN_VALUE;

    /** The metadata length after its continuation marker (or the pre-0.15 form without one); 0 at a stream's end. */
    private int readMetadataLength(byte[] first4, byte[] next4) throws IOException {
        int word = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (word == -1) {
            byte[] length = next4 != null ? next4 : in.readNBytes(4);
            if (length.length < 4) {
                return 0; // a continuation marker at the very end: treated as the end of the stream
            }
            return check(ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt());
        }
        if (fileFormat || Arrays.equals(first4, new byte[] {'A', 'R', 'R', 'O'})) {
            return FOOTER; // a file written without an end-of-stream marker: its footer starts here
        }
        if (next4 != null) {
            throw invalid("does not start like an Arrow IPC stream or file (no continuation marker, no ARROW1 magic)"
                    + "; is it what source.format says?");
        }
        return check(word);
    }

    private int check(int length) {
        if (length < 0 || length > 64 * 1024 * 1024) {
            throw invalid("a message's metadata length " + length + " is not plausible (corrupt or not Arrow IPC)");
        }
        return length;
    }

    private Message metadata(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw invalid("ends inside a message's metadata (truncated)");
        }
        try {
            return Message.getRootAsMessage(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        } catch (RuntimeException e) {
            throw invalid(
                    "a message's metadata is not readable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ByteBuffer body(long length) throws IOException {
        if (length > maxBatchBytes || length < 0) {
            throw invalid("a message body of " + length + " bytes is more than the " + maxBatchBytes
                    + " this function reads at once (write smaller record batches, or raise the memory size)");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
            throw invalid("ends inside a message body (truncated)");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A new stream's schema: matched to the model by name, each declared column's type checked. */
    private void schema(Schema schema) {
        streams++;
        fieldTypes = new ArrowType[schema.fieldsLength()];
        fieldNames = new String[schema.fieldsLength()];
        Map<String, Integer> byName = new HashMap<>();
        for (int f = 0; f < fieldTypes.length; f++) {
            fieldTypes[f] = ArrowType.of(schema.fields(f));
            fieldNames[f] = fieldTypes[f].name();
            byName.put(fieldNames[f], f);
        }
        fieldOfColumn = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            ColumnSpec column = columns.get(c);
            Integer f = byName.get(column.name());
            fieldOfColumn[c] = f == null ? -1 : f;
            if (f == null) {
                if (!(spec.drift().missingAsNull() && column.nullable())) {
                    throw invalid("stream " + streams + " has no column '" + column.name() + "'"
                            + (column.nullable() ? " (set source.missing_columns to null to land it as null)" : ""));
                }
                continue;
            }
            ArrowType type = fieldTypes[f];
            ColumnType natural = ArrowVector.natural(type);
            if (natural == null || !fits(natural, column.type())) {
                throw invalid("column '" + column.name() + "' is " + type.describe() + " in stream " + streams
                        + " and " + column.type() + " in the model; "
                        + (type.nested() && natural == null
                                ? "nested columns of this kind (unions, run-end encoded, list views) are not"
                                        + " supported yet"
                                : "it would change values, so it is refused"));
            }
        }
        for (String name : fieldNames) {
            if (columns.stream().noneMatch(c -> c.name().equals(name))
                    && spec.drift().unknownAsError()) {
                throw invalid("column '" + name + "' matches no declared column (source.unknown_fields is error)");
            }
        }
    }

    /**
     * Whether every value of the natural type lands unchanged as {@code declared}: the same table as Parquet's
     * (docs/EVENTS.md): integer widening, decimals with room for every digit, float to double, text to json.
     */
    static boolean fits(ColumnType natural, ColumnType declared) {
        Kind from = natural.kind();
        return switch (declared.kind()) {
            case BIGINT -> from == Kind.INT || from == Kind.BIGINT;
            case DECIMAL ->
                switch (from) {
                    case INT -> declared.precision() - declared.scale() >= 10;
                    case BIGINT -> declared.precision() - declared.scale() >= 19;
                    case DECIMAL ->
                        declared.scale() >= natural.scale()
                                && declared.precision() - declared.scale() >= natural.precision() - natural.scale();
                    default -> false;
                };
            case DOUBLE -> from == Kind.FLOAT || from == Kind.DOUBLE;
            case JSON -> from == Kind.STRING || from == Kind.JSON;
            default -> from == declared.kind();
        };
    }

    /** A dictionary batch: the values of one dictionary id (or more of them, for a delta). */
    private void dictionary(Message message) throws IOException {
        DictionaryBatch batch = (DictionaryBatch) message.header(new DictionaryBatch());
        ByteBuffer body = body(message.bodyLength());
        ArrowType valueType = null;
        for (ArrowType t : fieldTypes == null ? new ArrowType[0] : fieldTypes) {
            if (t.dictionaryId() == batch.id()) {
                valueType = t.dictionaryValues();
            }
        }
        if (valueType == null) {
            return; // a dictionary of a column the schema does not use
        }
        if (batch.isDelta()) {
            throw invalid("delta dictionary batches are not supported yet (dictionary " + batch.id() + ")");
        }
        RecordBatch data = batch.data();
        ArrowVector[] vectors = read(data, body, new ArrowType[] {valueType});
        dictionaries.put(batch.id(), vectors[0]);
    }

    /** The declared columns' vectors of a record batch (null: absent from this stream). */
    private ArrowVector[] vectors(RecordBatch batch, ByteBuffer body) throws IOException {
        ArrowVector[] all = read(batch, body, fieldTypes);
        ArrowVector[] byColumn = new ArrowVector[columns.size()];
        boolean[] used = new boolean[all.length];
        for (int c = 0; c < byColumn.length; c++) {
            if (fieldOfColumn[c] >= 0) {
                byColumn[c] = all[fieldOfColumn[c]];
                used[fieldOfColumn[c]] = true;
            }
        }
        for (int f = 0; f < all.length; f++) {
            if (!used[f]) {
                unmatched.add(fieldNames[f], batch.length());
            }
        }
        return byColumn;
    }

    /** Where the walk over a record batch's field nodes, buffers and variadic buffer counts stands. */
    private static final class Cursor {
        int node;
        int buffer;
        int view;
    }

    /** Walks the batch's field nodes and buffers in schema order (depth first), a vector per field. */
    private ArrowVector[] read(RecordBatch batch, ByteBuffer body, ArrowType[] types) throws IOException {
        ArrowVector[] vectors = new ArrowVector[types.length];
        Cursor at = new Cursor();
        for (int f = 0; f < types.length; f++) {
            vectors[f] = vector(types[f], batch, body, at);
        }
        return vectors;
    }

    /** The vector of one field (null for a kind that is skipped), advancing the cursor past it and its children. */
    private ArrowVector vector(ArrowType t, RecordBatch batch, ByteBuffer body, Cursor at) throws IOException {
        BodyCompression compression = batch.compression();
        if (at.node + t.nodes() > batch.nodesLength() || at.buffer + t.buffers() > batch.buffersLength()) {
            throw invalid("a record batch has fewer field nodes or buffers than its schema needs");
        }
        int length = Math.toIntExact(batch.nodes(at.node).length());
        if (t.buffers() == 0 && !t.nested()) {
            at.node += 1; // the null type: no buffers, every value null
            return null;
        }
        if (!t.nested()) {
            boolean varSize = t.buffers() == 3;
            ByteBuffer validity = buffer(batch, body, compression, at.buffer);
            ByteBuffer offsets = varSize ? buffer(batch, body, compression, at.buffer + 1) : null;
            ByteBuffer values =
                    t.buffers() < 2 ? null : buffer(batch, body, compression, at.buffer + (varSize ? 2 : 1));
            ByteBuffer[] variadic = null;
            int extra = 0;
            if (t.views() > 0) {
                extra = Math.toIntExact(batch.variadicBufferCounts(at.view++));
                variadic = new ByteBuffer[extra];
                for (int v = 0; v < extra; v++) {
                    variadic[v] = buffer(batch, body, compression, at.buffer + 2 + v);
                }
            }
            ArrowVector dictionary = null;
            if (t.dictionaryId() >= 0) {
                dictionary = dictionaries.get(t.dictionaryId());
                if (dictionary == null) {
                    throw invalid("column '" + t.name() + "' uses dictionary " + t.dictionaryId()
                            + ", which no dictionary batch before it defined");
                }
            }
            at.node += 1;
            at.buffer += t.buffers() + extra;
            return new ArrowVector(t, length, validity, values, offsets, variadic, dictionary, null);
        }
        if (!t.jsonable()) {
            at.node += t.nodes();
            at.buffer += t.buffers();
            for (int v = 0; v < t.views(); v++) {
                at.buffer += Math.toIntExact(batch.variadicBufferCounts(at.view++));
            }
            return null;
        }
        byte kind = t.typeType();
        boolean hasOffsets = kind == org.apache.arrow.flatbuf.Type.List
                || kind == org.apache.arrow.flatbuf.Type.LargeList
                || kind == org.apache.arrow.flatbuf.Type.Map;
        ByteBuffer validity = buffer(batch, body, compression, at.buffer);
        ByteBuffer offsets = hasOffsets ? buffer(batch, body, compression, at.buffer + 1) : null;
        at.node += 1;
        at.buffer += hasOffsets ? 2 : 1;
        ArrowVector[] children = new ArrowVector[t.children().size()];
        for (int c = 0; c < children.length; c++) {
            children[c] = vector(t.children().get(c), batch, body, at);
        }
        return new ArrowVector(t, length, validity, null, offsets, null, null, children);
    }

    /** One buffer of the body, decompressed when the batch says so. */
    private ByteBuffer buffer(RecordBatch batch, ByteBuffer body, BodyCompression compression, int index)
            throws IOException {
        var b = batch.buffers(index);
        long offset = b.offset();
        long length = b.length();
        if (offset < 0 || length < 0 || offset + length > body.capacity()) {
            throw invalid("a buffer lies outside its message body (corrupt)");
        }
        ByteBuffer slice = body.duplicate()
                .position((int) offset)
                .limit((int) (offset + length))
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        if (compression == null || length == 0) {
            return slice;
        }
        long uncompressed = slice.getLong(0);
        ByteBuffer data = slice.duplicate().position(8).slice();
        if (uncompressed == -1) {
            return data.order(ByteOrder.LITTLE_ENDIAN);
        }
        if (uncompressed > maxBatchBytes) {
            throw invalid(
                    "a compressed buffer claims " + uncompressed + " bytes, more than this function reads at once");
        }
        byte[] in = new byte[data.remaining()];
        data.get(in);
        byte[] out = new byte[(int) uncompressed];
        int n;
        if (compression.codec() == CompressionType.ZSTD) {
            n = new io.airlift.compress.zstd.ZstdDecompressor().decompress(in, 0, in.length, out, 0, out.length);
        } else {
            throw invalid("record batches compressed with LZ4 frames are not supported yet (ZSTD or none are)");
        }
        if (n != uncompressed) {
            throw invalid("a compressed buffer held " + n + " bytes, its prefix says " + uncompressed);
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    private InvalidEventException invalid(String what) {
        return new InvalidEventException(where.uri() + ": " + what);
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            release.run();
        }
    }

    /** The rows of one record batch. */
    private final class BatchRows implements RowSource {
        private final ArrowVector[] vectors;
        private final int count;
        private final long rowsBefore;
        private final ArrowVector.Range range = new ArrowVector.Range();
        private int read;

        BatchRows(ArrowVector[] vectors, int count, long rowsBefore) {
            this.vectors = vectors;
            this.count = count;
            this.rowsBefore = rowsBefore;
        }

        @Override
        public boolean next(Row row) {
            if (read == count) {
                return false;
            }
            row.clearBytes();
            for (int c = 0; c < vectors.length; c++) {
                ArrowVector v = vectors[c];
                ColumnSpec column = columns.get(c);
                try {
                    if (v == null || v.isNull(read)) {
                        if (!column.nullable()) {
                            throw new InvalidEventException(where.uri() + " row " + (rowsBefore + read + 1)
                                    + ", column " + column.name() + ": null in a non-nullable column");
                        }
                        row.setNull(c);
                    } else {
                        set(v, read, row, c, column.type());
                    }
                } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
                    throw new InvalidEventException(where.uri() + " row " + (rowsBefore + read + 1) + ", column "
                            + column.name() + " (" + column.type() + "): " + e.getMessage());
                }
            }
            read++;
            return true;
        }

        private void set(ArrowVector v, int i, Row row, int c, ColumnType to) {
            ColumnType natural = v.naturalType;
            switch (to.kind()) {
                case BOOLEAN -> row.setLong(c, v.bool(i) ? 1 : 0);
                case INT, BIGINT, DATE, TIME, TIMESTAMP, TIMESTAMP_NTZ -> row.setLong(c, v.longAt(i));
                case FLOAT, DOUBLE -> row.setDouble(c, v.doubleAt(i));
                case DECIMAL -> {
                    BigDecimal d = switch (natural.kind()) {
                        case DECIMAL ->
                            natural.precision() == 20
                                            && natural.scale() == 0
                                            && v.type.typeType() == org.apache.arrow.flatbuf.Type.Int
                                    ? new BigDecimal(v.unsignedAt(i))
                                    : v.decimalAt(i);
                        default -> BigDecimal.valueOf(v.longAt(i));
                    };
                    Values.setDecimal(row, c, to, d);
                }
                case STRING, JSON, BINARY -> {
                    if (v.type.nested()) {
                        java.io.StringWriter out = new java.io.StringWriter();
                        try (com.fasterxml.jackson.core.JsonGenerator g =
                                mapper.getFactory().createGenerator(out)) {
                            v.writeJson(i, g);
                        } catch (IOException e) {
                            throw new IllegalArgumentException("could not be written as JSON: " + e.getMessage());
                        }
                        row.setBinary(c, Binary.fromString(out.toString()));
                        return;
                    }
                    v.range(i, range);
                    byte[] bytes = bytes(range);
                    int from = range.buffer.hasArray() ? range.buffer.arrayOffset() + range.start : 0;
                    if (to.kind() != Kind.BINARY && !Utf8.isValid(bytes, from, from + range.length)) {
                        throw new IllegalArgumentException("not valid UTF-8");
                    }
                    if (to.kind() == Kind.JSON) {
                        try {
                            row.setBinary(
                                    c,
                                    Binary.fromString(
                                            mapper.writeValueAsString(mapper.readTree(bytes, from, range.length))));
                        } catch (IOException e) {
                            throw new IllegalArgumentException("not valid JSON");
                        }
                        return;
                    }
                    if (to.maxLength() > 0 && Values.codePoints(bytes, from, range.length) > to.maxLength()) {
                        throw new IllegalArgumentException(
                                "longer than " + to.maxLength() + " characters (" + to + ")");
                    }
                    row.setBytes(c, bytes, from, range.length);
                }
            }
        }

        private byte[] bytes(ArrowVector.Range r) {
            if (r.buffer.hasArray()) {
                return r.buffer.array();
            }
            byte[] copy = new byte[r.length];
            r.buffer.duplicate().position(r.start).get(copy);
            r.start = 0;
            return copy;
        }
    }
}
