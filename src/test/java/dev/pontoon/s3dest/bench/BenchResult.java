package dev.pontoon.s3dest.bench;

/** One side's figures, passed from a measured child process to the benchmark as one line. */
record BenchResult(long rows, double seconds, long outputBytes, long peakHeapBytes, long peakRssBytes) {
    static final String PREFIX = "BENCH-RESULT ";

    String line() {
        return PREFIX + rows + " " + seconds + " " + outputBytes + " " + peakHeapBytes + " " + peakRssBytes;
    }

    static BenchResult parse(String line) {
        String[] f = line.substring(PREFIX.length()).trim().split(" ");
        return new BenchResult(Long.parseLong(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[4]));
    }

    /** Peak heap used, sampled every 20 ms by a daemon thread; call {@link HeapSampler#stop()} to read it. */
    static final class HeapSampler {
        private final Thread thread;
        private volatile long peak;

        HeapSampler() {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long used = 0;
                    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                            used += pool.getUsage().getUsed();
                        }
                    }
                    peak = Math.max(peak, used);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() {
            thread.interrupt();
            return peak;
        }
    }
}
