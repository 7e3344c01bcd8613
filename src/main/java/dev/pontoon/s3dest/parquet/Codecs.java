package dev.pontoon.s3dest.parquet;

import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page compressors without Hadoop: parquet-java's own codec factory goes through Hadoop's codec classes, so these
 * take their place. Snappy and Zstandard are aircompressor's pure-Java implementations (no JNI library to unpack
 * at cold start, nothing for a native image to link); GZIP is the JDK's. Only compression: the function never
 * reads Parquet.
 */
final class Codecs {
    private Codecs() {}

    /** A compressor for one writer's pages (it keeps buffers between pages, so it is not shared across threads). */
    static BytesInputCompressor compressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Passthrough();
            case SNAPPY -> new AirCompressor(codec, new SnappyCompressor());
            case ZSTD -> new AirCompressor(codec, new ZstdCompressor());
            case GZIP -> new Gzip();
            default -> throw new IllegalArgumentException("unsupported codec " + codec);
        };
    }

    private static final class Passthrough implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) {
            return bytes;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {}
    }

    /** Keeps its output buffer between pages: a page is compressed into it and copied out once. */
    private static final class AirCompressor implements BytesInputCompressor {
        private final CompressionCodecName name;
        private final Compressor compressor;
        private byte[] out = new byte[0];

        AirCompressor(CompressionCodecName name, Compressor compressor) {
            this.name = name;
            this.compressor = compressor;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            int max = compressor.maxCompressedLength(in.length);
            if (out.length < max) {
                out = new byte[max];
            }
            int n = compressor.compress(in, 0, in.length, out, 0, out.length);
            return BytesInput.from(java.util.Arrays.copyOf(out, n));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return name;
        }

        @Override
        public void release() {
            out = new byte[0];
        }
    }

    private static final class Gzip implements BytesInputCompressor {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            buffer.reset();
            try (GZIPOutputStream gz = new GZIPOutputStream(buffer, 64 * 1024)) {
                bytes.writeAllTo(gz);
            }
            return BytesInput.from(buffer.toByteArray());
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {}
    }
}
