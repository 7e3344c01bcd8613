package dev.pontoon.s3dest.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.GroupWriter;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Small Parquet files of nested records, whole in memory, through parquet-java's record assembly (its example
 * {@link Group}s) without Hadoop: what a table format's own files need (a Delta checkpoint), not the data path,
 * which has its own columnar encoder. One row group; SNAPPY pages.
 */
public final class NestedFiles {
    private NestedFiles() {}

    /** The file holding {@code records} of {@code schema}, in order. */
    public static byte[] write(MessageType schema, List<Group> records) {
        ParquetProperties properties = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .build();
        MemoryFile out = new MemoryFile();
        try {
            ParquetFileWriter file = new ParquetFileWriter(
                    out, schema, ParquetFileWriter.Mode.OVERWRITE, Long.MAX_VALUE, 0, null, properties);
            file.start();
            ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(
                    Codecs.compressor(CompressionCodecName.SNAPPY),
                    schema,
                    new HeapByteBufferAllocator(),
                    properties.getColumnIndexTruncateLength());
            ColumnWriteStore columns = properties.newColumnWriteStore(schema, pages);
            RecordConsumer consumer = new ColumnIOFactory().getColumnIO(schema).getRecordWriter(columns);
            GroupWriter writer = new GroupWriter(consumer, schema);
            for (Group record : records) {
                writer.write(record);
            }
            consumer.flush(); // the nulls of absent groups, which it holds back until now
            columns.flush();
            file.startBlock(records.size());
            pages.flushToFileWriter(file);
            file.endBlock();
            file.end(Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytes.toByteArray();
    }

    /**
     * The records of a file, each with only the fields of {@code projection} (a subset of the file's own schema: a
     * field the file lacks is left out of it first).
     */
    public static List<Group> read(byte[] bytes, MessageType projection) throws IOException {
        List<Group> records = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new MemoryInput(bytes), ReadOptions.HADOOP_FREE)) {
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            reader.setRequestedSchema(projection);
            var io = new ColumnIOFactory().getColumnIO(projection, fileSchema);
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> rows = io.getRecordReader(rowGroup, new GroupRecordConverter(projection));
                for (long i = 0; i < rowGroup.getRowCount(); i++) {
                    records.add(rows.read());
                }
            }
        }
        return records;
    }

    /** The schema a file declares, read from its footer. */
    public static MessageType schema(byte[] bytes) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new MemoryInput(bytes), ReadOptions.HADOOP_FREE)) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    private static final class MemoryFile implements OutputFile {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return createOrOverwrite(blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return bytes.size();
                }

                @Override
                public void write(int b) {
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes.write(b, off, len);
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }

    private record MemoryInput(byte[] bytes) implements InputFile {
        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream() {
            java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return bytes.length - in.available();
                }

                @Override
                public void seek(long newPos) {
                    in.reset();
                    in.skip(newPos);
                }
            };
        }
    }
}
