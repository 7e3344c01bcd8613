package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.source.RowSource;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decodes rows on a second thread while the caller encodes them: on two cores, JSON decoding and Parquet encoding
 * each get one. Rows travel in batches from a fixed pool (three batches of {@link #BATCH} rows), so memory stays
 * constant and no row object is allocated per row. A decoding failure reaches the caller as the same exception.
 */
final class RowPipeline implements AutoCloseable {
    static final int BATCH = 1024;
    private static final Object END = new Object();

    /** A batch of decoded rows: {@code rows[0, count)}. */
    record Batch(Row[] rows, int count) {}

    private final BlockingQueue<Row[]> free = new ArrayBlockingQueue<>(3);
    private final BlockingQueue<Object> full = new ArrayBlockingQueue<>(4);
    private final Future<?> producer;
    private volatile boolean stopped;

    /** @param prepare called once on each pooled row (sets the columns that are the same in every row) */
    RowPipeline(RowSource source, int columns, Consumer<Row> prepare, ExecutorService executor) {
        for (int b = 0; b < 3; b++) {
            Row[] rows = new Row[BATCH];
            for (int i = 0; i < BATCH; i++) {
                rows[i] = new Row(columns);
                prepare.accept(rows[i]);
            }
            free.add(rows);
        }
        producer = executor.submit(() -> produce(source));
    }

    private void produce(RowSource source) {
        try {
            while (!stopped) {
                Row[] rows = free.take();
                int n = 0;
                while (n < rows.length && source.next(rows[n])) {
                    n++;
                }
                full.put(new Batch(rows, n));
                if (n < rows.length) {
                    full.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            try {
                full.put(t);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next batch, or null at the end; rethrows what decoding threw. */
    Batch next() throws IOException, InterruptedException {
        Object o = full.take();
        if (o == END) {
            return null;
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o instanceof IOException e) {
            throw e;
        }
        if (o instanceof Error e) {
            throw e;
        }
        if (o instanceof Throwable t) {
            throw new IllegalStateException(t);
        }
        return (Batch) o;
    }

    /** Hands a written batch back to the decoder. */
    void release(Batch batch) throws InterruptedException {
        free.put(batch.rows());
    }

    /** Stops the decoder and waits for it, so the source is not read after it is closed. */
    @Override
    public void close() {
        stopped = true;
        producer.cancel(true);
        try {
            producer.get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // cancelled, finished or failed: in every case it no longer reads
        }
    }
}
