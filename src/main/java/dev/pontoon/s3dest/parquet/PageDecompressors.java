package dev.pontoon.s3dest.parquet;

import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page decompressors without Hadoop, for reading staged Parquet (SPEC §13): parquet-java's own codec factory goes
 * through Hadoop's codec classes, which the function never loads. Snappy, Zstandard and LZ4 (raw) by aircompressor,
 * GZIP by the JDK; the codecs warehouses do not write (LZO, Brotli, Hadoop's framed LZ4) are refused by name.
 */
public final class PageDecompressors implements CompressionCodecFactory {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("a reading codec factory");
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Air(null);
            case SNAPPY -> new Air(new SnappyDecompressor());
            case ZSTD -> new Air(new ZstdDecompressor());
            case LZ4_RAW -> new Air(new Lz4Decompressor());
            case GZIP -> new Gzip();
            default -> throw new UnsupportedCodecException(codec);
        };
    }

    @Override
    public void release() {}

    /** A page compressed with a codec this reader does not take. */
    public static final class UnsupportedCodecException extends RuntimeException {
        UnsupportedCodecException(CompressionCodecName codec) {
            super("pages compressed with " + codec + " are not supported (SNAPPY, ZSTD, GZIP, LZ4_RAW or none are)");
        }
    }

    private static final class Air implements BytesInputDecompressor {
        private final Decompressor decompressor;

        Air(Decompressor decompressor) {
            this.decompressor = decompressor;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            byte[] in = bytes.toByteArray();
            if (decompressor == null) {
                return BytesInput.from(in);
            }
            byte[] out = new byte[decompressedSize];
            int n = decompressor.decompress(in, 0, in.length, out, 0, out.length);
            if (n != decompressedSize) {
                throw new IOException("a page decompressed to " + n + " bytes, its header says " + decompressedSize);
            }
            return BytesInput.from(out);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            byte[] out = decompress(BytesInput.from(in), decompressedSize).toByteArray();
            output.put(out);
        }

        @Override
        public void release() {}
    }

    private static final class Gzip implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            try (InputStream in = new GZIPInputStream(bytes.toInputStream())) {
                byte[] out = in.readNBytes(decompressedSize);
                if (out.length != decompressedSize || in.read() != -1) {
                    throw new IOException("a page's gzip data does not hold " + decompressedSize + " bytes");
                }
                return BytesInput.from(out);
            }
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
        }

        @Override
        public void release() {}
    }
}
