package dev.pontoon.s3dest.parquet;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.jboss.logging.Logger;

/**
 * Page compressors without Hadoop: parquet-java's own codec factory goes through Hadoop's codec classes, so these
 * take their place. Snappy is aircompressor's pure-Java implementation (its JNI rival saved 2% of the encoder's CPU,
 * docs/BENCHMARKS.md). Zstandard is zstd-jni at level 3, the reference library, which takes 30% less of the
 * encoder's CPU than aircompressor's; where its native library cannot load (a platform it does not ship), the
 * pure-Java one takes its place, with a warning, since its bytes differ. GZIP is the JDK's. Only compression: the
 * function never reads Parquet.
 */
final class Codecs {
    private static final Logger LOG = Logger.getLogger(Codecs.class);
    /** Zstandard's level: the library's default, and DuckDB's. */
    static final int ZSTD_LEVEL = 3;

    private Codecs() {}

    /** Loads zstd-jni's library (unpacked to the temporary directory) when ZSTD is first asked for, not before. */
    private static final class NativeZstdLibrary {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                com.github.luben.zstd.util.Native.load();
                return true;
            } catch (LinkageError | RuntimeException e) {
                LOG.warnf(
                        "zstd-jni's native library did not load (%s); ZSTD pages are compressed by aircompressor"
                                + " instead, slower and with other bytes",
                        e.toString());
                return false;
            }
        }
    }

    /** A compressor for one writer's pages (it keeps buffers between pages, so it is not shared across threads). */
    static BytesInputCompressor compressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Passthrough();
            case SNAPPY -> new AirCompressor(codec, new SnappyCompressor());
            case ZSTD -> NativeZstdLibrary.LOADED ? new NativeZstd() : new AirCompressor(codec, new ZstdCompressor());
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

    /** zstd-jni, one call a page into a kept output buffer. */
    private static final class NativeZstd implements BytesInputCompressor {
        private byte[] out = new byte[0];

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            int max = (int) Zstd.compressBound(in.length);
            if (out.length < max) {
                out = new byte[max];
            }
            long n = Zstd.compressByteArray(out, 0, out.length, in, 0, in.length, ZSTD_LEVEL);
            if (Zstd.isError(n)) {
                throw new IOException("zstd: " + Zstd.getErrorName(n));
            }
            return BytesInput.from(java.util.Arrays.copyOf(out, (int) n));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.ZSTD;
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
