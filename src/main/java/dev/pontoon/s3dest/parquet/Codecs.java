package dev.pontoon.s3dest.parquet;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page codecs without Hadoop: parquet-java's own factory goes through Hadoop's codec classes, so this one takes
 * their place. Snappy and Zstandard are aircompressor's pure-Java implementations (no JNI library to unpack at
 * cold start, nothing for a native image to link); GZIP is the JDK's.
 */
public final class Codecs implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Passthrough();
            case SNAPPY -> new AirCompressor(codec, new SnappyCompressor());
            case ZSTD -> new AirCompressor(codec, new ZstdCompressor());
            case GZIP -> new Gzip();
            default -> throw new IllegalArgumentException("unsupported codec " + codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new PassthroughDecompressor();
            case SNAPPY -> new AirDecompressor(new SnappyDecompressor());
            case ZSTD -> new AirDecompressor(new ZstdDecompressor());
            case GZIP -> new GzipDecompressor();
            default -> throw new IllegalArgumentException("unsupported codec " + codec);
        };
    }

    @Override
    public void release() {
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
        public void release() {
        }
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
        public void release() {
        }
    }

    private static final class PassthroughDecompressor implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
            return bytes;
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
            ByteBuffer slice = input.duplicate();
            slice.limit(slice.position() + compressedSize);
            output.put(slice);
        }

        @Override
        public void release() {
        }
    }

    private static final class AirDecompressor implements BytesInputDecompressor {
        private final Decompressor decompressor;

        AirDecompressor(Decompressor decompressor) {
            this.decompressor = decompressor;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[uncompressedSize];
            decompressor.decompress(in, 0, in.length, out, 0, uncompressedSize);
            return BytesInput.from(out);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
            ByteBuffer slice = input.duplicate();
            slice.limit(slice.position() + compressedSize);
            decompressor.decompress(slice, output);
        }

        @Override
        public void release() {
        }
    }

    private static final class GzipDecompressor implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            try (InputStream in = new GZIPInputStream(bytes.toInputStream())) {
                return BytesInput.from(in.readNBytes(uncompressedSize));
            }
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            output.put(decompress(BytesInput.from(in), uncompressedSize).toByteBuffer());
        }

        @Override
        public void release() {
        }
    }
}
