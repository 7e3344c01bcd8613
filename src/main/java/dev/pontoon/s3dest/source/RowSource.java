package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.parquet.Row;
import java.io.Closeable;
import java.io.IOException;

/** Rows of one transfer, in order. Fills the model's columns of a reused {@link Row}. */
public interface RowSource extends Closeable {
    /** Fills {@code row} with the next row; false when there is none. */
    boolean next(Row row) throws IOException;

    @Override
    default void close() throws IOException {}
}
