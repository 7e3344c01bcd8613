package dev.pontoon.s3dest.parquet;

import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;

/**
 * parquet-java's read options with our Hadoop-free page decompressors ({@link PageDecompressors}). Its builder always
 * makes Hadoop's codec factory first (a {@code new Configuration()}), which fails where Hadoop is not on the class
 * path, as in the function; the options' own constructor takes the factory directly, but is package-private, so it
 * is called reflectively, once, with the builder's defaults except one: page checksums are verified where the writer
 * wrote them (a corrupt page is then an error, not wrong values).
 */
public final class ReadOptions {
    public static final ParquetReadOptions HADOOP_FREE = readOptions();

    private ReadOptions() {}

    private static ParquetReadOptions readOptions() {
        try {
            var constructor = ParquetReadOptions.class.getDeclaredConstructor(
                    boolean.class, // useSignedStringMinMax
                    boolean.class, // useStatsFilter
                    boolean.class, // useDictionaryFilter
                    boolean.class, // useRecordFilter
                    boolean.class, // useColumnIndexFilter
                    boolean.class, // usePageChecksumVerification
                    boolean.class, // useBloomFilter
                    boolean.class, // useOffHeapDecryptBuffer
                    boolean.class, // useHadoopVectoredIo
                    org.apache.parquet.filter2.compat.FilterCompat.Filter.class,
                    org.apache.parquet.format.converter.ParquetMetadataConverter.MetadataFilter.class,
                    org.apache.parquet.compression.CompressionCodecFactory.class,
                    org.apache.parquet.bytes.ByteBufferAllocator.class,
                    int.class,
                    Map.class,
                    org.apache.parquet.crypto.FileDecryptionProperties.class,
                    org.apache.parquet.hadoop.ParquetMetricsCallback.class,
                    org.apache.parquet.conf.ParquetConfiguration.class);
            constructor.setAccessible(true);
            return constructor.newInstance(
                    false,
                    false,
                    false,
                    false,
                    false,
                    true,
                    false,
                    false,
                    false,
                    org.apache.parquet.filter2.compat.FilterCompat.NOOP,
                    org.apache.parquet.format.converter.ParquetMetadataConverter.NO_FILTER,
                    new PageDecompressors(),
                    new org.apache.parquet.bytes.HeapByteBufferAllocator(),
                    8 * 1024 * 1024,
                    Map.of(),
                    null,
                    null,
                    new PlainParquetConfiguration());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("parquet-java's read options changed shape: " + e, e);
        }
    }
}
