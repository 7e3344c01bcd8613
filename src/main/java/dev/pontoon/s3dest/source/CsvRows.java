package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.parquet.Row;
import io.airlift.compress.MalformedInputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One staged CSV object, read whole by one thread (a quoted field may hold a line break, so a CSV object is not
 * cut): the header matched to the model's columns (SPEC §4), then each record decoded into a row.
 */
/** One CSV object, read whole by one thread. */
final class CsvRows implements RowSource {
    private final InputStream object;
    private final StagedObject.Where where;
    private final CsvRecordReader reader;
    private final TextRowDecoder decoder;
    private final List<String> record = new java.util.ArrayList<>();
    private int[] modelIndexOfField;
    private int headerSize;
    private List<String> headerNames;
    private final String[] values;
    private final java.util.function.Supplier<String> position = this::position;
    private boolean done;
    /** Records read, for the count of each header field that matches no declared column. */
    private long records;

    private final List<ColumnSpec> columns;
    private final SourceSpec spec;
    private final UnmatchedFields unmatched;

    CsvRows(
            InputStream object,
            InputStream in,
            StagedObject.Where where,
            List<ColumnSpec> columns,
            ObjectMapper mapper,
            SourceSpec spec,
            UnmatchedFields unmatched) {
        this.columns = columns;
        this.spec = spec;
        this.unmatched = unmatched;
        this.decoder = new TextRowDecoder(columns, mapper);
        this.values = new String[columns.size()];
        this.object = object;
        this.where = where;
        this.reader = new CsvRecordReader(in, where.uri());
    }

    @Override
    public boolean next(Row row) throws IOException {
        if (done) {
            return false;
        }
        try {
            if ((modelIndexOfField == null && !readHeader()) || !reader.next(record)) {
                done = true;
                countUnmatched();
                try {
                    object.close();
                } catch (IOException ignored) {
                    // fully read; nothing left to release
                }
                return false;
            }
            if (record.size() != headerSize) {
                throw new InvalidEventException(where.uri() + " line " + reader.recordLine() + ": has " + record.size()
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
            records++;
            return true;
        } catch (IOException | MalformedInputException | SdkException e) {
            throw where.readFailure(e, reader.currentLine());
        }
    }

    private String position() {
        return where.uri() + " line " + reader.recordLine();
    }

    /** Each header field that matches no declared column, once per record read. */
    private void countUnmatched() {
        if (modelIndexOfField == null) {
            return;
        }
        for (int f = 0; f < headerSize; f++) {
            if (modelIndexOfField[f] < 0) {
                unmatched.add(headerNames.get(f), records);
            }
        }
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
        headerNames = record.stream().map(h -> h == null ? "" : h).toList();
        reader.header(headerNames);
        modelIndexOfField = new int[headerSize];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int f = 0; f < headerSize; f++) {
            String name = record.get(f);
            if (name != null && !seen.add(name)) {
                throw new InvalidEventException(where.uri() + " line 1: the header names column '" + name + "' twice");
            }
            modelIndexOfField[f] = name == null ? -1 : modelIndex.getOrDefault(name, -1);
            if (modelIndexOfField[f] < 0 && spec.drift().unknownAsError()) {
                throw new InvalidEventException(where.uri() + " line 1: header field '" + name
                        + "' matches no declared column (source.unknown_fields is error)" + nearest(name));
            }
        }
        // A declared column the header lacks is an error (SPEC §4): a misspelt or renamed header would otherwise
        // land the column as all nulls without a word.
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            if (seen.contains(column.name())) {
                continue;
            }
            if (spec.drift().missingAsNull() && column.nullable()) {
                continue;
            }
            throw new InvalidEventException(where.uri() + " line 1: the header has no column '" + column.name()
                    + "'" + headerHint(column.name())
                    + (column.nullable() ? " (set source.missing_columns to null to land it as null)" : ""));
        }
        return true;
    }

    /** The header field that most likely means {@code name}: the same ignoring case, else none. */
    private String headerHint(String name) {
        for (String field : record) {
            if (field != null && field.equalsIgnoreCase(name)) {
                return "; the header has '" + field + "' (names are matched exactly)";
            }
        }
        if (record.size() == 1 && record.get(0) != null) {
            String only = record.get(0);
            for (String separator : new String[] {";", "\t", "|"}) {
                if (only.contains(separator)) {
                    return "; the header is one field holding '" + (separator.equals("\t") ? "\\t" : separator)
                            + "': the file seems separated by it, not by commas";
                }
            }
        }
        return "";
    }

    /** A declared column named like the header field ignoring case, as a hint. */
    private String nearest(String field) {
        for (ColumnSpec c : columns) {
            if (field != null && c.name().equalsIgnoreCase(field)) {
                return "; the model declares '" + c.name() + "'";
            }
        }
        return "";
    }

    /** Stops the download if the object was not read to its end. */
    @Override
    public void close() {
        if (!done) {
            done = true;
            StagedObject.abort(object);
        }
    }
}
