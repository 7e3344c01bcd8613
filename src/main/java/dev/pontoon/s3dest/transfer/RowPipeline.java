package dev.pontoon.s3dest.transfer;

import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.parquet.RowBatch;
import dev.pontoon.s3dest.source.RowSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decodes rows on other threads while the caller encodes them. A source is decoded in its parts (a staged JSONL
 * object's blocks of lines, a CSV object), each part a lane: up to {@code threads} lanes are decoded at once, and
 * the caller takes their batches lane by lane, so the rows arrive in exactly the source's order whatever the number
 * of threads. Rows travel in batches of {@link #BATCH} from a fixed pool (three a lane), so memory stays constant
 * and no row object is allocated per row; a batch holds its rows column by column ({@link RowBatch}), as the encoder
 * reads them. A failure, while decoding a part or while handing it out, reaches the caller as the same exception
 * when the caller reaches its lane.
 */
final class RowPipeline implements AutoCloseable {
    static final int BATCH = 1024;
    /**
     * What the pool of decoded rows may take, about: a batch has fewer rows when the model is wide (10,000 columns
     * would otherwise preallocate gigabytes before a row is read). The bytes written do not depend on it.
     */
    static final long POOL_BYTES = 48L << 20;
    /** A row's fixed cost per column: a long, a double, a reference, a flag and two ints. */
    private static final int BYTES_PER_COLUMN = 8 + 8 + 8 + 1 + 4 + 4;
    /** Batches a lane may hold at once: one being filled, two waiting. */
    private static final int PER_LANE = 3;

    private static final Object END = new Object();
    /** After the last lane in {@link #started}. */
    private static final Lane NO_MORE = new Lane(null);

    /** A batch of decoded rows: {@code rows[0, count)} of {@code lane}. */
    record Batch(RowBatch batch, int count, Lane lane) {
        Row[] rows() {
            return batch.rows();
        }
    }

    /** One part of the source: its queue of decoded batches and how many more it may take from the pool. */
    static final class Lane {
        final RowSource part;
        final BlockingQueue<Object> full = new ArrayBlockingQueue<>(PER_LANE + 1);
        final Semaphore room = new Semaphore(PER_LANE);

        Lane(RowSource part) {
            this.part = part;
        }
    }

    private final RowSource.Parts parts;
    /** Lanes in the source's order as they are started, then {@link #NO_MORE}. */
    private final BlockingQueue<Lane> started = new LinkedBlockingQueue<>();

    private final BlockingQueue<RowBatch> pool;
    /**
     * Lanes started but not yet consumed. One more than the threads, so a thread that finished its lane starts the
     * next while the caller still takes the last batches of the one before.
     */
    private final Semaphore window;

    private final List<Future<?>> workers = new ArrayList<>();
    /** Guards {@link #active} and {@link #threads}; notified when a worker ends. */
    private final Object lifecycle = new Object();
    /** Workers inside {@link #work()}: close() waits until none is left. */
    private int active;

    private final List<Thread> threads = new ArrayList<>();
    /**
     * How long close() waits for a worker blocked in a read that ignores interrupts: longer than the S3 socket
     * timeout, which ends any such read.
     */
    private static final long CLOSE_WAIT_MILLIS = 60_000;
    /** Guards {@link #parts} and the order of {@link #started}; true once the last part was handed out. */
    private boolean handedOut;

    private volatile boolean stopped;
    private Lane current;

    /**
     * @param threads how many parts are decoded at once (at least 1)
     * @param prepare called once on each pooled row (sets the columns that are the same in every row)
     */
    RowPipeline(RowSource source, int threads, int columns, Consumer<Row> prepare, ExecutorService executor) {
        this.parts = source.parts();
        int workersCount = Math.max(1, threads);
        this.window = new Semaphore(workersCount + 1);
        int batches = PER_LANE * (workersCount + 1);
        this.pool = new ArrayBlockingQueue<>(batches);
        int batchRows = batchRows(columns, batches);
        for (int b = 0; b < batches; b++) {
            RowBatch batch = new RowBatch(columns, batchRows);
            for (Row row : batch.rows()) {
                prepare.accept(row);
            }
            pool.add(batch);
        }
        for (int w = 0; w < workersCount; w++) {
            workers.add(executor.submit(this::work));
        }
    }

    /** Rows per batch: {@link #BATCH}, or fewer so that the pool stays near {@link #POOL_BYTES}. */
    static int batchRows(int columns, int batches) {
        long perRow = (long) columns * BYTES_PER_COLUMN + 256;
        long fits = POOL_BYTES / (perRow * batches);
        return (int) Math.max(1, Math.min(BATCH, fits));
    }

    /** A decoding thread: takes the next part once the window has room for it, and decodes it whole. */
    private void work() {
        synchronized (lifecycle) {
            if (stopped) {
                return; // closed before this worker ran: it never touches a part
            }
            active++;
            threads.add(Thread.currentThread());
        }
        try {
            while (!stopped) {
                // The permit first, then the part: every started lane holds a permit, so the lane the caller
                // waits for is always started by someone.
                window.acquire();
                Lane lane;
                synchronized (parts) {
                    if (handedOut) {
                        window.release();
                        return;
                    }
                    try {
                        RowSource part = parts.next();
                        lane = part == null ? NO_MORE : new Lane(part);
                    } catch (Throwable t) {
                        // handing out failed: a lane that is this failure, and no lane after it
                        lane = new Lane(null);
                        lane.full.add(t);
                        started.add(lane);
                        lane = NO_MORE;
                    }
                    started.add(lane);
                    handedOut = lane == NO_MORE;
                }
                if (lane == NO_MORE) {
                    window.release();
                    return;
                }
                decode(lane);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lifecycle) {
                active--;
                threads.remove(Thread.currentThread());
                lifecycle.notifyAll();
            }
        }
    }

    private void decode(Lane lane) throws InterruptedException {
        try (RowSource part = lane.part) {
            while (!stopped) {
                lane.room.acquire();
                RowBatch batch = pool.take();
                batch.startOver();
                Row[] rows = batch.rows();
                int n = 0;
                while (n < rows.length && part.next(rows[n])) {
                    n++;
                }
                lane.full.put(new Batch(batch, n, lane));
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
        while (true) {
            if (current == null) {
                current = started.take();
            }
            if (current == NO_MORE) {
                return null;
            }
            Object o = current.full.take();
            if (o == END) {
                current = null;
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
    }

    /** Hands a written batch back to the decoders. */
    void release(Batch batch) throws InterruptedException {
        pool.put(batch.batch());
        batch.lane().room.release();
    }

    /**
     * Stops the decoders and waits for them, so no source is read after it is closed; then closes what handing out
     * holds.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            stopped = true;
            threads.forEach(Thread::interrupt);
        }
        for (Future<?> w : workers) {
            w.cancel(false); // a worker not started yet never starts; one running is waited for below
        }
        // A cancelled Future answers get() at once, while its thread may still be inside part.next() (an interrupt
        // does not end a blocked socket read): wait for the workers themselves.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        boolean interrupted = false;
        synchronized (lifecycle) {
            while (active > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    lifecycle.wait(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (parts) {
            handedOut = true;
            parts.close();
        }
        // lanes started but never decoded (a thread stopped between handing out and decoding)
        for (Lane lane : started) {
            if (lane.part != null) {
                try {
                    lane.part.close();
                } catch (IOException | RuntimeException ignored) {
                    // closing only releases; the transfer's outcome is decided elsewhere
                }
            }
        }
    }
}
