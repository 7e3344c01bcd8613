package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.source.RowSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline's lanes: parts decoded at once, rows handed over in the source's order, errors in that order too. */
class RowPipelineTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    /** Part {@code p} yields ids {@code p * 100_000 + [0, rows)}; each first call waits until {@code open} parts run. */
    private static class Part implements RowSource {
        private final int p;
        private final int rows;
        private final CountDownLatch together;
        private final RuntimeException failAt;
        private int next;

        Part(int p, int rows, CountDownLatch together, RuntimeException failAt) {
            this.p = p;
            this.rows = rows;
            this.together = together;
            this.failAt = failAt;
        }

        @Override
        public boolean next(Row row) {
            if (next == 0 && together != null) {
                together.countDown();
                try {
                    // Proves parts run at once: this returns only when the other parts have started too.
                    if (!together.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("part " + p + " ran alone");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (failAt != null && next == rows / 2) {
                throw failAt;
            }
            if (next >= rows) {
                return false;
            }
            row.setLong(0, p * 100_000L + next++);
            return true;
        }
    }

    private static RowSource source(List<RowSource> parts) {
        return new RowSource() {
            @Override
            public boolean next(Row row) {
                throw new AssertionError("read through its parts");
            }

            @Override
            public Parts parts() {
                java.util.Iterator<RowSource> each = parts.iterator();
                return () -> each.hasNext() ? each.next() : null;
            }
        };
    }

    private static List<Long> drain(RowPipeline pipeline) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (RowPipeline.Batch b; (b = pipeline.next()) != null; ) {
            for (int i = 0; i < b.count(); i++) {
                ids.add(b.rows()[i].longValue(0));
            }
            pipeline.release(b);
        }
        return ids;
    }

    @Test
    void threePartsDecodeAtOnceAndTheirRowsArriveInTheSourcesOrder() throws Exception {
        CountDownLatch together = new CountDownLatch(3);
        List<RowSource> parts = new ArrayList<>();
        int[] sizes = {5000, 0, 3000, 1, 2048, 4096, 777};
        for (int p = 0; p < sizes.length; p++) {
            parts.add(new Part(p, sizes[p], p < 3 ? together : null, null));
        }
        List<Long> expected = new ArrayList<>();
        for (int p = 0; p < sizes.length; p++) {
            for (int i = 0; i < sizes[p]; i++) {
                expected.add(p * 100_000L + i);
            }
        }
        try (RowPipeline pipeline = new RowPipeline(source(parts), 3, 1, r -> {}, executor)) {
            assertThat(drain(pipeline)).isEqualTo(expected);
        }
    }

    @Test
    void aPartOfTwoBatchesIsDecodedWholeBeforeTheEncoderReachesIt() throws Exception {
        // Part 1 (two batches of rows, as a JSONL block is sized) finishes while part 0 has not yet given a row:
        // the thread that decodes it never waits for the encoder.
        CountDownLatch partOneDone = new CountDownLatch(1);
        RowSource first = new Part(0, 3000, null, null) {
            private boolean waited;

            @Override
            public boolean next(Row row) {
                if (!waited) {
                    waited = true;
                    try {
                        if (!partOneDone.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("part 1 was not decoded ahead");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                return super.next(row);
            }
        };
        RowSource second = new Part(1, 2 * RowPipeline.BATCH, null, null) {
            @Override
            public boolean next(Row row) {
                boolean more = super.next(row);
                if (!more) {
                    partOneDone.countDown();
                }
                return more;
            }
        };
        try (RowPipeline pipeline = new RowPipeline(source(List.of(first, second)), 2, 1, r -> {}, executor)) {
            assertThat(drain(pipeline)).hasSize(3000 + 2 * RowPipeline.BATCH);
        }
    }

    @Test
    void theFirstFailingPartInOrderIsTheError() {
        List<RowSource> parts = new ArrayList<>();
        parts.add(new Part(0, 4000, null, null));
        parts.add(new Part(1, 4000, null, new IllegalArgumentException("part 1 is bad")));
        parts.add(new Part(2, 10, null, new IllegalArgumentException("part 2 is bad")));
        try (RowPipeline pipeline = new RowPipeline(source(parts), 3, 1, r -> {}, executor)) {
            assertThatThrownBy(() -> drain(pipeline)).hasMessage("part 1 is bad");
        }
    }

    /**
     * A part blocked in a read that ignores interrupts (a socket read does): close() returns only after the read
     * has ended, and the part is not closed while it is being read.
     */
    @Test
    void closeWaitsForADecoderBlockedInARead() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean closedWhileReading = new java.util.concurrent.atomic.AtomicBoolean();
        RowSource blocking = new RowSource() {
            @Override
            public boolean next(Row row) {
                reading.set(true);
                inside.countDown();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
                while (System.nanoTime() < until) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        // like a blocked socket read: the interrupt does not end it
                    }
                }
                reading.set(false);
                return false;
            }

            @Override
            public void close() {
                if (reading.get()) {
                    closedWhileReading.set(true);
                }
            }
        };
        RowPipeline pipeline = new RowPipeline(source(List.of(blocking)), 2, 1, r -> {}, executor);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        pipeline.close();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(reading.get())
                .as("a decoder still inside next() after close()")
                .isFalse();
        assertThat(closedWhileReading.get())
                .as("the part was closed while being read")
                .isFalse();
        assertThat(waited).isGreaterThan(100);
    }
}
