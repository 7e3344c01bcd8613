package dev.pontoon.s3dest.source;

import dev.pontoon.s3dest.parquet.Row;
import java.io.Closeable;
import java.io.IOException;

/** Rows of one transfer, in order. Fills the model's columns of a reused {@link Row}. */
public interface RowSource extends Closeable {
    /** Fills {@code row} with the next row; false when there is none. */
    boolean next(Row row) throws IOException;

    /**
     * The pieces this source can be decoded in, handed out in order: their rows, one piece after the other, are this
     * source's rows. A piece is read whole by one thread and closed when read; different pieces may be read at once.
     */
    interface Parts extends Closeable {
        /**
         * The next piece, or null when there is none. Calls come one at a time (the caller serializes them), and a
         * failure here is the failure of the piece that would have come next.
         */
        RowSource next() throws IOException;

        /** Releases what handing out holds (an object being read), after the last call to {@link #next}. */
        @Override
        default void close() {}
    }

    /** This source's pieces; by default one, the source itself. */
    default Parts parts() {
        return single(this);
    }

    /** One piece, handed out once; closed by {@link Parts#close} if it never was handed out. */
    static Parts single(RowSource piece) {
        return new Parts() {
            private boolean taken;

            @Override
            public RowSource next() {
                if (taken) {
                    return null;
                }
                taken = true;
                return piece;
            }

            @Override
            public void close() {
                if (!taken) {
                    try {
                        piece.close();
                    } catch (IOException ignored) {
                        // never read: closing only releases
                    }
                }
            }
        };
    }

    /**
     * The source fields that matched no declared column, per name (SPEC §4); complete once every piece was read to
     * its end.
     */
    default UnmatchedFields unmatchedFields() {
        return UnmatchedFields.none();
    }

    @Override
    default void close() throws IOException {}
}
