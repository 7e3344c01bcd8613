package dev.pontoon.s3dest.parquet;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One Parquet file of flat {@link Row}s, written column by column: each value goes straight to its column's
 * writer (encoding, dictionary, statistics and pages stay parquet-java's). parquet-java's record path (a
 * {@code RecordConsumer} walking the schema, tracking written fields, filling nulls at the end of each record) is
 * built for nested data and costs as much as the encoding itself for a flat row, so it is left out.
 */
final class RowFileWriter {
    /** Buffered size is summed over the columns, so it is checked every this many rows. */
    private static final int SIZE_CHECK_INTERVAL = 128;

    private final MessageType schema;
    private final ColumnDescriptor[] descriptors;
    private final PrimitiveTypeName[] physical;
    /** The definition level of a present value: 0 for a required column, 1 for an optional one. */
    private final int[] presentLevel;

    private final ParquetProperties properties;
    private final BytesInputCompressor compressor;
    private final long rowGroupBytes;
    private final Map<String, String> metadata;
    private final ParquetFileWriter file;

    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private final ColumnWriter[] writers;
    private long groupRows;
    private long lastGroupEnd;

    RowFileWriter(
            OutputFile out,
            MessageType schema,
            ParquetProperties properties,
            BytesInputCompressor compressor,
            long rowGroupBytes,
            Map<String, String> metadata)
            throws IOException {
        this.schema = schema;
        List<ColumnDescriptor> columns = schema.getColumns();
        this.descriptors = columns.toArray(ColumnDescriptor[]::new);
        this.physical = new PrimitiveTypeName[descriptors.length];
        this.presentLevel = new int[descriptors.length];
        for (int i = 0; i < descriptors.length; i++) {
            physical[i] = descriptors[i].getPrimitiveType().getPrimitiveTypeName();
            presentLevel[i] = descriptors[i].getMaxDefinitionLevel();
        }
        this.writers = new ColumnWriter[descriptors.length];
        this.properties = properties;
        this.compressor = compressor;
        this.rowGroupBytes = rowGroupBytes;
        this.metadata = metadata;
        this.file = new ParquetFileWriter(
                out, schema, ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, 0, null, properties);
        file.start();
        newRowGroup();
    }

    void write(Row row) throws IOException {
        for (int i = 0; i < writers.length; i++) {
            ColumnWriter w = writers[i];
            int d = presentLevel[i];
            if (!row.present(i)) {
                if (d == 0) {
                    throw new IllegalStateException(
                            "column " + schema.getFieldName(i) + " is required but has no value");
                }
                w.writeNull(0, 0);
                continue;
            }
            switch (physical[i]) {
                case BOOLEAN -> w.write(row.longValue(i) != 0, 0, d);
                case INT32 -> w.write((int) row.longValue(i), 0, d);
                case INT64 -> w.write(row.longValue(i), 0, d);
                case FLOAT -> w.write((float) row.doubleValue(i), 0, d);
                case DOUBLE -> w.write(row.doubleValue(i), 0, d);
                case BINARY, FIXED_LEN_BYTE_ARRAY -> w.write(row.binary(i), 0, d);
                default -> throw new IllegalStateException("unexpected physical type " + physical[i]);
            }
        }
        store.endRecord();
        if (++groupRows % SIZE_CHECK_INTERVAL == 0 && store.getBufferedSize() >= rowGroupBytes) {
            flushRowGroup();
            newRowGroup();
        }
    }

    /** Bytes written to the file so far plus what is buffered for the current row group (before compression). */
    long dataSize() {
        return lastGroupEnd + store.getBufferedSize();
    }

    /** Writes the last row group and the footer; returns what the footer says of each column. */
    List<dev.pontoon.s3dest.event.ColumnStats> close() throws IOException {
        try {
            flushRowGroup();
            file.end(metadata);
            return FooterStats.of(file.getFooter());
        } finally {
            releaseStores();
        }
    }

    /** Drops what is buffered without writing a footer (the caller discards the output). */
    void abandon() {
        releaseStores();
    }

    private void newRowGroup() {
        pages = ColumnChunkPageWriteStore.builder()
                .withSchema(schema)
                .withAllocator(properties.getAllocator())
                .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
                .withCompressorProvider(column -> compressor)
                .build();
        store = properties.newColumnWriteStore(schema, pages, pages);
        for (int i = 0; i < descriptors.length; i++) {
            writers[i] = store.getColumnWriter(descriptors[i]);
        }
        groupRows = 0;
    }

    private void flushRowGroup() throws IOException {
        if (groupRows > 0) {
            file.startBlock(groupRows);
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
            lastGroupEnd = file.getPos();
        }
        releaseStores();
    }

    private void releaseStores() {
        if (store != null) {
            store.close();
            pages.close();
            store = null;
            pages = null;
        }
    }
}
