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

    /**
     * A page compressor that writes where the writer keeps its pages: {@link #compress(byte[], int, ByteSink)} appends
     * the compressed bytes to a sink, so a page costs no allocation and no copy but the compression itself. Also a
     * parquet-java {@link BytesInputCompressor}, for the writers that go through parquet-java's own page store.
     * It keeps buffers between pages, so it is not shared across threads.
     */
    abstract static class PageCodec implements BytesInputCompressor {
        private final CompressionCodecName name;

        PageCodec(CompressionCodecName name) {
            this.name = name;
        }

        /** Appends {@code in[0, length)}, compressed, to {@code out}; returns how many bytes it appended. */
        abstract int compress(byte[] in, int length, ByteSink out) throws IOException;

        @Override
        public final BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            ByteSink out = new ByteSink(in.length / 2);
            compress(in, in.length, out);
            return BytesInput.from(out.toByteArray());
        }

        @Override
        public final CompressionCodecName getCodecName() {
            return name;
        }

        @Override
        public void release() {}
    }

    static PageCodec compressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Passthrough();
            case SNAPPY -> new AirCompressor(codec, new SnappyCompressor());
            case ZSTD -> NativeZstdLibrary.LOADED ? new NativeZstd() : new AirCompressor(codec, new ZstdCompressor());
            case GZIP -> new Gzip();
            default -> throw new IllegalArgumentException("unsupported codec " + codec);
        };
    }

    private static final class Passthrough extends PageCodec {
        Passthrough() {
            super(CompressionCodecName.UNCOMPRESSED);
        }

        @Override
        int compress(byte[] in, int length, ByteSink out) {
            out.write(in, 0, length);
            return length;
        }
    }

    /** aircompressor, one call a page, straight into the sink. */
    private static final class AirCompressor extends PageCodec {
        private final Compressor compressor;

        AirCompressor(CompressionCodecName name, Compressor compressor) {
            super(name);
            this.compressor = compressor;
        }

        @Override
        int compress(byte[] in, int length, ByteSink out) {
            int max = compressor.maxCompressedLength(length);
            out.ensure(max);
            int n = compressor.compress(in, 0, length, out.array(), out.size(), max);
            out.advance(n);
            return n;
        }
    }

    /** zstd-jni, one call a page, straight into the sink. */
    private static final class NativeZstd extends PageCodec {
        NativeZstd() {
            super(CompressionCodecName.ZSTD);
        }

        @Override
        int compress(byte[] in, int length, ByteSink out) throws IOException {
            int max = (int) Zstd.compressBound(length);
            out.ensure(max);
            long n = Zstd.compressByteArray(out.array(), out.size(), max, in, 0, length, ZSTD_LEVEL);
            if (Zstd.isError(n)) {
                throw new IOException("zstd: " + Zstd.getErrorName(n));
            }
            out.advance((int) n);
            return (int) n;
        }
    }

    private static final class Gzip extends PageCodec {
        /** The JDK's stream, whose buffer is read in place. */
        private static final class Buffer extends ByteArrayOutputStream {
            byte[] bytes() {
                return buf;
            }
        }

        private final Buffer buffer = new Buffer();

        Gzip() {
            super(CompressionCodecName.GZIP);
        }

        @Override
        int compress(byte[] in, int length, ByteSink out) throws IOException {
            buffer.reset();
            try (GZIPOutputStream gz = new GZIPOutputStream(buffer, 64 * 1024)) {
                gz.write(in, 0, length);
            }
            out.write(buffer.bytes(), 0, buffer.size());
            return buffer.size();
        }
    }
}
