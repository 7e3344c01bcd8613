package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.source.RowSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Decodes rows on other threads while the caller encodes them. A source is decoded in its parts (a staged source's
 * objects), each part a lane: up to {@code threads} lanes are decoded at once, and the caller takes their batches
 * lane by lane, so the rows arrive in exactly the source's order whatever the number of threads. Rows travel in
 * batches of {@link #BATCH} from a fixed pool (three a lane), so memory stays constant and no row object is
 * allocated per row. A decoding failure reaches the caller as the same exception, when the caller reaches its lane.
 */
final class RowPipeline implements AutoCloseable {
    static final int BATCH = 1024;
    /** Batches a lane may hold at once: one being filled, two waiting. */
    private static final int PER_LANE = 3;

    private static final Object END = new Object();

    /** A batch of decoded rows: {@code rows[0, count)} of lane {@code lane}. */
    record Batch(Row[] rows, int count, int lane) {}

    /** One part of the source: its queue of decoded batches and how many more it may take from the pool. */
    private static final class Lane {
        final RowSource part;
        final BlockingQueue<Object> full = new ArrayBlockingQueue<>(PER_LANE + 1);
        final Semaphore room = new Semaphore(PER_LANE);

        Lane(RowSource part) {
            this.part = part;
        }
    }

    private final List<Lane> lanes = new ArrayList<>();
    private final BlockingQueue<Row[]> pool;
    /** Lanes started but not yet consumed: at most the number of decoding threads. */
    private final Semaphore window;

    private final AtomicInteger nextLane = new AtomicInteger();
    private final List<Future<?>> workers = new ArrayList<>();
    private volatile boolean stopped;
    private int current;

    /**
     * @param threads how many parts are decoded at once (at least 1)
     * @param prepare called once on each pooled row (sets the columns that are the same in every row)
     */
    RowPipeline(RowSource source, int threads, int columns, Consumer<Row> prepare, ExecutorService executor) {
        for (RowSource part : source.parts()) {
            lanes.add(new Lane(part));
        }
        int workersCount = Math.max(1, Math.min(threads, lanes.size()));
        this.window = new Semaphore(workersCount);
        this.pool = new ArrayBlockingQueue<>(PER_LANE * workersCount);
        for (int b = 0; b < PER_LANE * workersCount; b++) {
            Row[] rows = new Row[BATCH];
            for (int i = 0; i < BATCH; i++) {
                rows[i] = new Row(columns);
                prepare.accept(rows[i]);
            }
            pool.add(rows);
        }
        for (int w = 0; w < workersCount; w++) {
            workers.add(executor.submit(this::work));
        }
    }

    /** A decoding thread: takes the next lane once the window has room for it, and decodes it whole. */
    private void work() {
        try {
            while (!stopped) {
                // The permit first, then the lane: every started lane holds a permit, so the lane the caller
                // waits for is always started by someone.
                window.acquire();
                int index = nextLane.getAndIncrement();
                if (index >= lanes.size()) {
                    window.release();
                    return;
                }
                decode(lanes.get(index), index);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void decode(Lane lane, int index) throws InterruptedException {
        try (RowSource part = lane.part) {
            while (!stopped) {
                lane.room.acquire();
                Row[] rows = pool.take();
                int n = 0;
                while (n < rows.length && part.next(rows[n])) {
                    n++;
                }
                lane.full.put(new Batch(rows, n, index));
                if (n < rows.length) {
                    lane.full.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable t) {
            lane.full.put(t);
        }
    }

    /** The next batch, or null at the end; rethrows what decoding threw. */
    Batch next() throws IOException, InterruptedException {
        while (current < lanes.size()) {
            Object o = lanes.get(current).full.take();
            if (o == END) {
                current++;
                window.release();
                continue;
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
        return null;
    }

    /** Hands a written batch back to the decoders. */
    void release(Batch batch) throws InterruptedException {
        pool.put(batch.rows());
        lanes.get(batch.lane()).room.release();
    }

    /** Stops the decoders and waits for them, so no source is read after it is closed. */
    @Override
    public void close() {
        stopped = true;
        for (Future<?> w : workers) {
            w.cancel(true);
        }
        for (Future<?> w : workers) {
            try {
                w.get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // cancelled, finished or failed: in every case it no longer reads
            }
        }
    }
}
