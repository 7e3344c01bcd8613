package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.s3.S3Errors;
import io.airlift.compress.MalformedInputException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.zip.ZipException;
import software.amazon.awssdk.core.ResponseInputStream;

/** One staged object being read: stopping it early, and naming it (and the line) in a failure. */
final class StagedObject {
    private StagedObject() {}

    /** Stops reading an object before its end, without downloading the rest. */
    static void abort(InputStream object) {
        if (object instanceof ResponseInputStream<?> response) {
            response.abort();
        } else if (object instanceof RangedObjectStream ranged) {
            ranged.abort();
        }
    }

    /** Which object a failure is about. */
    record Where(String uri, String bucket, String key) {
        RuntimeException readFailure(Exception e, long line) {
            if (e instanceof CharacterCodingException) {
                return new InvalidEventException(uri + " line " + line + ": not valid UTF-8");
            }
            if (e instanceof ZipException
                    || e instanceof java.io.EOFException
                            && e.getMessage() != null
                            && e.getMessage().contains("ZLIB")) {
                return new InvalidEventException(
                        uri + ": corrupt gzip data near line " + line + " (" + e.getMessage() + ")");
            }
            if (e instanceof MalformedInputException) {
                return new InvalidEventException(
                        uri + ": corrupt zstd data near line " + line + " (" + e.getMessage() + ")");
            }
            return S3Errors.map(e, "GetObject (reading source " + uri + " at line " + line + ")", bucket, key);
        }

        InvalidEventException lineTooLong(long line, LineReader.LineTooLongException e) {
            return new InvalidEventException(uri + " line " + line + ": " + e.getMessage()
                    + "; JSONL has one object per line, and a row may take at most that");
        }
    }
}
