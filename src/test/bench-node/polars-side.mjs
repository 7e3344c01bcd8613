// Polars (nodejs-polars) converting the benchmark's JSONL to Parquet, as issue #26 asks:
// scanJson(path).sinkParquet(out, {compression}), collected. Prints one BENCH-RESULT line as the Java sides do:
// rows, seconds, output bytes, peak heap (-1: not known), peak RSS bytes, CPU seconds, -1, -1.
// Usage: node polars-side.mjs <input.jsonl> <codec> <output.parquet>
import fs from "node:fs";
import pl from "nodejs-polars";

const [input, codec, output] = process.argv.slice(2);
fs.rmSync(output, { force: true });
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
// In nodejs-polars 0.25 the sink is lazy: collecting it runs the streaming query.
await pl.scanJson(input).sinkParquet(output, { compression: codec }).collect();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rssBytes = process.resourceUsage().maxRSS * 1024;
const count = Number(pl.readParquet(output).height);
console.log(`BENCH-RESULT ${count} ${seconds} ${fs.statSync(output).size} -1 ${rssBytes} ${cpuSeconds} -1 -1`);
