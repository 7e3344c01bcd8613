package dev.pontoon.s3dest.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.handler.TransferBeans;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StandaloneLogging;

/** Child process of {@link ThroughputBenchmark}: one staged transfer, measured. Args: endpoint, uri, codec. */
public final class TransferSide {
    /**
     * The benchmark's transfer event: the export table from the staged object(s) {@code uris} (comma-separated) at
     * the S3 server {@code endpoint}, to bucket {@code exports} with {@code codec}.
     */
    static ObjectNode event(String endpoint, String uris, String codec, String format) {
        ObjectNode destination = (ObjectNode) Json.read("{}");
        destination.put("s3_bucket", "exports");
        destination.put("s3_prefix", "bench-" + codec);
        destination.put("s3_region", S3TestServer.REGION);
        destination.put("endpoint_url", endpoint);
        destination.put("aws_access_key_id", S3TestServer.ACCESS_KEY);
        destination.put("aws_secret_access_key", S3TestServer.SECRET_KEY);
        destination.put("compression", codec);
        ObjectNode event =
                Events.transfer(destination, "export", "2025-09-25T13:22:33.123Z", "bench", ExportTable.COLUMNS);
        event.remove("rows");
        // One staged object, or several separated by commas (decoded side by side with s3dest.decode-threads > 1).
        var list = event.putObject("source").put("format", format).putArray("uris");
        for (String uri : uris.split(",")) {
            list.add(uri);
        }
        return event;
    }

    public static void main(String[] args) throws Exception {
        StandaloneLogging.configure();
        ObjectNode event = event(args[0], args[1], args[2], args.length > 4 ? args[4] : "jsonl");

        // The first run is a cold container's first invocation, the last a warm container's (the same event again:
        // the same keys and bytes).
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        BenchResult.HeapSampler heap = new BenchResult.HeapSampler();
        var service = TransferBeans.defaultService();
        double coldSeconds = -1;
        double coldCpu = -1;
        TransferResult result = null;
        double seconds = 0;
        double cpu = 0;
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            double cpu0 = BenchResult.processCpuSeconds();
            result = service.transfer(EventParser.transferEvent(event));
            seconds = (System.nanoTime() - start) / 1e9;
            cpu = BenchResult.processCpuSeconds() - cpu0;
            if (run == 0 && runs > 1) {
                coldSeconds = seconds;
                coldCpu = cpu;
                System.out.println(BenchResult.threadCpu() + " (cold run)");
            }
        }
        System.out.println(BenchResult.threadCpu() + (runs > 1 ? " (all runs)" : ""));
        System.out.println(new BenchResult(
                        result.rows(),
                        seconds,
                        result.bytes(),
                        heap.stop(),
                        SourceMemoryBenchmark.vmHwmBytes(),
                        cpu,
                        coldSeconds,
                        coldCpu)
                .line());
    }
}
