package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.parquet.Row;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One staged Parquet object (SPEC §13), handed out a row group at a time: the footer is read first (by ranged
 * GETs, {@link S3InputFile}), the declared columns matched by name and type ({@link ParquetTypes}) before any row,
 * then for each row group only the needed column chunks are fetched, on the thread handing pieces out, and decoded
 * on a decoding thread. Memory: one row group's needed chunks per piece in flight, bounded by
 * {@link #maxRowGroupBytes}; a larger row group is refused naming the object and the row group.
 */
final class ParquetObject implements RowSource.Parts {
    private static final ParquetReadOptions READ_OPTIONS = dev.pontoon.s3dest.parquet.ReadOptions.HADOOP_FREE;

    private final StagedObject.Where where;
    private final List<ColumnSpec> columns;
    private final long maxRowGroupBytes;
    private final ParquetFileReader reader;
    private final MessageType requested;
    private final String createdBy;
    /** Per model column: its descriptor in the file (null: absent, landed as null) and its setter. */
    private final ColumnDescriptor[] descriptors;

    private final ParquetTypes.Setter[] setters;
    /** Per model column: its field's index in {@link #nestedSchema} when it is nested (lands as json), else -1. */
    private final int[] nestedOfColumn;
    /** The nested fields read, assembled as records by parquet-java; null when none is. */
    private final MessageType nestedSchema;

    private final List<BlockMetaData> rowGroups;
    private int next;
    private long rowsBefore;
    private boolean closed;

    ParquetObject(
            S3Client s3,
            StagedObject.Where where,
            List<ColumnSpec> columns,
            ObjectMapper mapper,
            SourceSpec spec,
            UnmatchedFields unmatched,
            long maxRowGroupBytes) {
        this.where = where;
        this.columns = columns;
        this.maxRowGroupBytes = maxRowGroupBytes;
        S3InputFile file = new S3InputFile(s3, where.bucket(), where.key());
        try {
            this.reader = ParquetFileReader.open(file, READ_OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw notParquet(where, e);
        }
        try {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            this.rowGroups = reader.getRowGroups();
            this.descriptors = new ColumnDescriptor[columns.size()];
            this.setters = new ParquetTypes.Setter[columns.size()];
            this.nestedOfColumn = new int[columns.size()];
            java.util.Arrays.fill(nestedOfColumn, -1);
            List<Type> nested = new ArrayList<>();
            Map<String, Integer> byName = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                byName.put(columns.get(i).name(), i);
            }
            List<Type> kept = new ArrayList<>();
            long rows = reader.getRecordCount();
            for (Type field : schema.getFields()) {
                Integer i = byName.get(field.getName());
                if (i == null) {
                    if (spec.drift().unknownAsError()) {
                        throw new InvalidEventException(where.uri() + ": column '" + field.getName()
                                + "' matches no declared column (source.unknown_fields is error)");
                    }
                    unmatched.add(field.getName(), rows);
                    continue;
                }
                ColumnSpec column = columns.get(i);
                if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
                    if (column.type().kind() != dev.pontoon.s3dest.event.ColumnType.Kind.JSON) {
                        throw new InvalidEventException(where.uri() + ": column '" + field.getName() + "' is nested ("
                                + field.toString().trim().replaceAll("\\s+", " ") + ") in the file and "
                                + column.type() + " in the model; a nested column lands as json");
                    }
                    nestedOfColumn[i] = nested.size();
                    nested.add(field);
                    kept.add(field);
                    continue;
                }
                PrimitiveType type = field.asPrimitiveType();
                ParquetTypes.Setter setter = ParquetTypes.setter(column, type, mapper);
                if (setter == null) {
                    throw new InvalidEventException(where.uri() + ": column '" + column.name() + "' is "
                            + ParquetTypes.describe(type) + " in the file and " + column.type()
                            + " in the model; it would change values, so it is refused");
                }
                setters[i] = setter;
                descriptors[i] = schema.getColumnDescription(new String[] {field.getName()});
                kept.add(field);
            }
            this.nestedSchema = nested.isEmpty() ? null : new MessageType(schema.getName(), nested);
            for (int i = 0; i < columns.size(); i++) {
                if (descriptors[i] == null && nestedOfColumn[i] < 0) {
                    ColumnSpec column = columns.get(i);
                    if (!(spec.drift().missingAsNull() && column.nullable())) {
                        throw new InvalidEventException(where.uri() + ": has no column '" + column.name() + "'"
                                + (column.nullable()
                                        ? " (set source.missing_columns to null to land it as null)"
                                        : ""));
                    }
                }
            }
            this.requested = new MessageType(schema.getName(), kept);
            reader.setRequestedSchema(requested);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The object's top-level columns: names, natural types (null: none holds it exactly), nullability. */
    static void schemaColumns(
            S3Client s3,
            StagedObject.Where where,
            List<String> names,
            List<dev.pontoon.s3dest.event.ColumnType> types,
            List<Boolean> nullable) {
        S3InputFile file = new S3InputFile(s3, where.bucket(), where.key());
        MessageType schema;
        try (ParquetFileReader reader = ParquetFileReader.open(file, READ_OPTIONS)) {
            schema = reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            throw notParquet(where, e);
        }
        for (Type field : schema.getFields()) {
            names.add(field.getName());
            boolean flat = field.isPrimitive() && !field.isRepetition(Type.Repetition.REPEATED);
            types.add(
                    flat
                            ? ParquetTypes.infer(field.asPrimitiveType())
                            : dev.pontoon.s3dest.event.ColumnType.of(dev.pontoon.s3dest.event.ColumnType.Kind.JSON));
            nullable.add(!field.isRepetition(Type.Repetition.REQUIRED));
        }
    }

    /** A failure to open the file: the project's own S3 error as it is, anything else as "not Parquet". */
    private static RuntimeException notParquet(StagedObject.Where where, Exception e) {
        if (e instanceof dev.pontoon.s3dest.event.DestinationException d) {
            return d; // a refused or failed GET, already mapped (InvalidEventException is one too)
        }
        String m = String.valueOf(e.getMessage());
        return new InvalidEventException(where.uri() + ": not a readable Parquet file ("
                + (m.contains("magic number") || m.contains("is not a Parquet file")
                        ? "no Parquet magic number at its start or end; is it what source.format says?"
                        : Values.clip(m))
                + ")");
    }

    @Override
    public RowSource next() throws IOException {
        if (closed || next == rowGroups.size()) {
            close();
            return null;
        }
        BlockMetaData group = rowGroups.get(next);
        long needed = 0;
        for (ColumnChunkMetaData chunk : group.getColumns()) {
            if (requested.containsPath(chunk.getPath().toArray())) {
                needed += chunk.getTotalSize();
            }
        }
        int index = next++;
        if (needed > maxRowGroupBytes) {
            close();
            throw new InvalidEventException(where.uri() + ": row group " + (index + 1) + " needs " + needed
                    + " bytes of column chunks, more than the " + maxRowGroupBytes
                    + " this function reads at once (raise the memory size, or write smaller row groups)");
        }
        PageReadStore pages;
        try {
            pages = reader.readNextRowGroup();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof dev.pontoon.s3dest.event.DestinationException d
                    ? d
                    : new InvalidEventException(where.uri() + ": row group " + (index + 1) + " could not be read ("
                            + Values.clip(String.valueOf(e.getMessage())) + ")");
        }
        long before = rowsBefore;
        rowsBefore += group.getRowCount();
        return new RowGroupRows(pages, before);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                reader.close();
            } catch (IOException ignored) {
                // nothing is held open between ranged GETs
            }
        }
    }

    /** The rows of one row group, decoded column reader by column reader into each row. */
    private final class RowGroupRows implements RowSource {
        private final PageReadStore pages;
        private final long rowsBefore;
        private final long count;
        private ColumnReader[] readers;
        private org.apache.parquet.io.RecordReader<org.apache.parquet.example.data.Group> records;
        private long read;

        RowGroupRows(PageReadStore pages, long rowsBefore) {
            this.pages = pages;
            this.rowsBefore = rowsBefore;
            this.count = pages.getRowCount();
        }

        @Override
        public boolean next(Row row) {
            if (read == count) {
                return false;
            }
            if (readers == null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(
                        pages, new GroupRecordConverter(requested).getRootConverter(), requested, createdBy);
                readers = new ColumnReader[descriptors.length];
                for (int i = 0; i < descriptors.length; i++) {
                    readers[i] = descriptors[i] == null ? null : store.getColumnReader(descriptors[i]);
                }
                if (nestedSchema != null) {
                    records = new org.apache.parquet.io.ColumnIOFactory()
                            .getColumnIO(nestedSchema)
                            .getRecordReader(pages, new GroupRecordConverter(nestedSchema));
                }
            }
            row.clearBytes();
            org.apache.parquet.example.data.Group record = records == null ? null : records.read();
            for (int i = 0; i < readers.length; i++) {
                if (nestedOfColumn[i] >= 0) {
                    nested(record, i, row);
                    continue;
                }
                ColumnReader r = readers[i];
                if (r == null || r.getCurrentDefinitionLevel() < descriptors[i].getMaxDefinitionLevel()) {
                    if (!columns.get(i).nullable()) {
                        throw new InvalidEventException(where.uri() + " row " + (rowsBefore + read + 1) + ", column "
                                + columns.get(i).name() + ": null in a non-nullable column");
                    }
                    row.setNull(i);
                } else {
                    try {
                        setters[i].set(r, row, i);
                    } catch (IllegalArgumentException | ArithmeticException e) {
                        throw new InvalidEventException(where.uri() + " row " + (rowsBefore + read + 1) + ", column "
                                + columns.get(i).name() + " (" + columns.get(i).type() + "): " + e.getMessage());
                    }
                }
                if (r != null) {
                    r.consume();
                }
            }
            read++;
            return true;
        }

        /** A nested column's value of this row as compact JSON, or null. */
        private void nested(org.apache.parquet.example.data.Group record, int i, Row row) {
            int field = nestedOfColumn[i];
            Type type = nestedSchema.getType(field);
            if (!type.isRepetition(Type.Repetition.REPEATED) && record.getFieldRepetitionCount(field) == 0) {
                if (!columns.get(i).nullable()) {
                    throw new InvalidEventException(where.uri() + " row " + (rowsBefore + read + 1) + ", column "
                            + columns.get(i).name() + ": null in a non-nullable column");
                }
                row.setNull(i);
                return;
            }
            java.io.StringWriter out = new java.io.StringWriter();
            try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(out)) {
                ParquetJson.writeField(record, field, type, g);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidEventException(where.uri() + " row " + (rowsBefore + read + 1) + ", column "
                        + columns.get(i).name() + " (json): " + e.getMessage());
            }
            row.setBinary(i, org.apache.parquet.io.api.Binary.fromString(out.toString()));
        }
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();
}
