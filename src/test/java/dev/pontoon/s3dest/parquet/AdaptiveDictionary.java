package dev.pontoon.s3dest.parquet;

import java.util.HashSet;
import java.util.Set;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.factory.DefaultValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
import org.apache.parquet.io.api.Binary;

/**
 * Dictionary encoding that learns which columns it does not pay for. parquet-java starts every column chunk with a
 * dictionary and gives it up when the first page does not shrink enough or the dictionary outgrows its page; for a
 * column of unique values (ids, emails, timestamps) that means hashing every value of the first megabyte of each
 * row group and then re-encoding them all. Here, once a column has written a non-dictionary data page in some row
 * group, the row groups after it (in this file and the transfer's later files) write that column plain from the
 * start. A column that does compress keeps its dictionary. The cost: a column whose values become repetitive only
 * later in a transfer stays plain.
 */
final class AdaptiveDictionary implements ValuesWriterFactory {
    private final DefaultValuesWriterFactory withDictionary = new DefaultValuesWriterFactory();
    private final DefaultValuesWriterFactory plain = new DefaultValuesWriterFactory();
    private final Set<String> plainColumns = new HashSet<>();

    @Override
    public void initialize(ParquetProperties properties) {
        withDictionary.initialize(properties);
        // building the copy initializes the factory it is given (the copy would otherwise carry this one)
        ParquetProperties.copy(properties)
                .withDictionaryEncoding(false)
                .withValuesWriterFactory(plain)
                .build();
    }

    @Override
    public ValuesWriter newValuesWriter(ColumnDescriptor column) {
        String path = String.join(".", column.getPath());
        if (plainColumns.contains(path)) {
            return plain.newValuesWriter(column);
        }
        return new Watched(withDictionary.newValuesWriter(column), path);
    }

    /** Whether the column is now written without a dictionary (for tests and logs). */
    boolean isPlain(String column) {
        return plainColumns.contains(column);
    }

    /** Passes every call through and notes a data page written without the dictionary. */
    private final class Watched extends ValuesWriter {
        private final ValuesWriter delegate;
        private final String path;

        Watched(ValuesWriter delegate, String path) {
            this.delegate = delegate;
            this.path = path;
        }

        @Override
        public Encoding getEncoding() {
            Encoding encoding = delegate.getEncoding();
            if (!encoding.usesDictionary()) {
                plainColumns.add(path);
            }
            return encoding;
        }

        @Override
        public long getBufferedSize() {
            return delegate.getBufferedSize();
        }

        @Override
        public BytesInput getBytes() {
            return delegate.getBytes();
        }

        @Override
        public void reset() {
            delegate.reset();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public DictionaryPage toDictPageAndClose() {
            return delegate.toDictPageAndClose();
        }

        @Override
        public void resetDictionary() {
            delegate.resetDictionary();
        }

        @Override
        public long getAllocatedSize() {
            return delegate.getAllocatedSize();
        }

        @Override
        public void writeByte(int value) {
            delegate.writeByte(value);
        }

        @Override
        public void writeBoolean(boolean v) {
            delegate.writeBoolean(v);
        }

        @Override
        public void writeBytes(Binary v) {
            delegate.writeBytes(v);
        }

        @Override
        public void writeInteger(int v) {
            delegate.writeInteger(v);
        }

        @Override
        public void writeLong(long v) {
            delegate.writeLong(v);
        }

        @Override
        public void writeDouble(double v) {
            delegate.writeDouble(v);
        }

        @Override
        public void writeFloat(float v) {
            delegate.writeFloat(v);
        }

        @Override
        public String memUsageString(String prefix) {
            return delegate.memUsageString(prefix);
        }
    }
}
