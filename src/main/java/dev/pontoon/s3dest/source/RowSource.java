package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.parquet.Row;
import java.io.Closeable;
import java.io.IOException;

/** Rows of one transfer, in order. Fills the model's columns of a reused {@link Row}. */
public interface RowSource extends Closeable {
    /** Fills {@code row} with the next row; false when there is none. */
    boolean next(Row row) throws IOException;

    /**
     * The independent pieces this source can be decoded in, in order: their rows, one piece after the other, are
     * this source's rows. A piece is read by one thread and closed when read. One piece (this source) by default.
     */
    default java.util.List<RowSource> parts() {
        return java.util.List.of(this);
    }

    @Override
    default void close() throws IOException {}
}
