package dev.pontoon.s3dest.bench;

/**
 * One side's figures, passed from a measured child process to the benchmark as one line.
 *
 * @param seconds wall time of the measured run (the last, warm one where there are several)
 * @param cpuSeconds the process's CPU time during that run, every thread (JIT and GC included)
 * @param coldSeconds wall time of the first run in the process, or -1 when there was one run
 * @param coldCpuSeconds the process's CPU time during the first run, or -1
 */
record BenchResult(
        long rows,
        double seconds,
        long outputBytes,
        long peakHeapBytes,
        long peakRssBytes,
        double cpuSeconds,
        double coldSeconds,
        double coldCpuSeconds) {
    static final String PREFIX = "BENCH-RESULT ";

    String line() {
        return PREFIX + rows + " " + seconds + " " + outputBytes + " " + peakHeapBytes + " " + peakRssBytes + " "
                + cpuSeconds + " " + coldSeconds + " " + coldCpuSeconds;
    }

    static BenchResult parse(String line) {
        String[] f = line.substring(PREFIX.length()).trim().split(" ");
        return new BenchResult(
                Long.parseLong(f[0]),
                Double.parseDouble(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4]),
                Double.parseDouble(f[5]),
                Double.parseDouble(f[6]),
                Double.parseDouble(f[7]));
    }

    /** This process's CPU time so far, every thread, in seconds. */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    /** Peak heap used, sampled every 20 ms by a daemon thread; call {@link HeapSampler#stop()} to read it. */
    static final class HeapSampler {
        private final Thread thread;
        private volatile long peak;

        HeapSampler() {
            // The pools are looked up once: asking the factory every 20 ms builds MBean names each time, which
            // showed up as half a second of the measured process's JIT time.
            var heapPools = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                    .toList();
            thread = new Thread(
                    () -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            long used = 0;
                            for (var pool : heapPools) {
                                used += pool.getUsage().getUsed();
                            }
                            peak = Math.max(peak, used);
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() {
            thread.interrupt();
            return peak;
        }
    }

    /**
     * CPU seconds per thread of this process, grouped by name with digits folded ("C2 CompilerThre#"), largest
     * first: where a run's CPU went, JIT and GC included. Linux only (reads /proc/self/task); empty elsewhere.
     */
    static String threadCpu() {
        java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return "";
        }
        long total = 0;
        for (java.io.File task : tasks) {
            try {
                String name = java.nio.file.Files.readString(task.toPath().resolve("comm"))
                        .trim()
                        .replaceAll("[0-9]+", "#");
                long t = cpuTicks(java.nio.file.Files.readString(task.toPath().resolve("stat")));
                ticks.merge("main".equals(name) || "java".equals(name) ? "main (encoder)" : name, t, Long::sum);
                total += t;
            } catch (java.io.IOException e) {
                // the thread ended while being read
            }
        }
        StringBuilder out = new StringBuilder(String.format("CPU %.1f s:", total / 100.0));
        ticks.entrySet().stream()
                .filter(e -> e.getValue() >= 5)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> out.append(String.format(" %s %.1f s,", e.getKey(), e.getValue() / 100.0)));
        return out.substring(0, out.length() - 1);
    }

    /** User plus system time, in clock ticks (1/100 s), from a /proc stat line. */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
