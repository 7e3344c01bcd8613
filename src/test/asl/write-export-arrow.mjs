// The benchmarks' export table (bench.ExportTable's eleven columns) as an Arrow IPC stream, written by Arrow's own
// JavaScript implementation, for ColumnarBenchmark: node write-export-arrow.mjs <rows> <out.arrows>.
// Record batches of 65,536 rows, plain (not dictionary-encoded) strings, as pyarrow writes a SQLAlchemy result.
import { writeFileSync } from 'node:fs';
import {
  makeData, makeVector, RecordBatch, Table, RecordBatchStreamWriter, vectorFromArray,
  Int64, Utf8, Bool, Float64, Decimal, TimestampMicrosecond,
} from 'apache-arrow';

const rows = Number(process.argv[2]);
const out = process.argv[3];
const BATCH = 65536;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD'];
const STATUSES = ['active', 'pending', 'churned', 'trial'];
const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'
  .split(' ');
let seed = 20250925n;
function next() { // a small LCG: the values only need the export table's shape
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number(seed >> 33n);
}

function batch(from, n) {
  const ids = new BigInt64Array(n);
  const customers = new BigInt64Array(n);
  const amounts = new Uint32Array(n * 4);
  const created = new BigInt64Array(n);
  const updated = new BigInt64Array(n);
  const scores = new Float64Array(n);
  const emails = new Array(n);
  const currency = new Array(n);
  const status = new Array(n);
  const active = new Array(n);
  const notes = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = from + i;
    ids[i] = BigInt(id);
    customers[i] = BigInt(next() % 1000000);
    const cents = next() % 10000000;
    amounts[i * 4] = cents; // non-negative, fits the low word
    emails[i] = `user${id}@example${next() % 100}.com`;
    currency[i] = CURRENCIES[next() % 5];
    status[i] = STATUSES[next() % 4];
    const t = 1735689600000000n + BigInt(id) * 1000003n;
    created[i] = t;
    updated[i] = t + BigInt(next() % 100000000);
    active[i] = next() % 2 === 0;
    scores[i] = (next() % 1000000) / 10000;
    notes[i] = next() % 10 < 4 ? null
      : Array.from({ length: 8 }, () => WORDS[next() % WORDS.length]).join(' ');
  }
  return new Table({
    id: makeVector(makeData({ type: new Int64(), length: n, data: ids })),
    customer_id: makeVector(makeData({ type: new Int64(), length: n, data: customers })),
    email: vectorFromArray(emails, new Utf8()),
    amount: makeVector(makeData({ type: new Decimal(2, 12, 128), length: n, data: amounts })),
    currency: vectorFromArray(currency, new Utf8()),
    status: vectorFromArray(status, new Utf8()),
    created_at: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: n, data: created })),
    updated_at: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: n, data: updated })),
    is_active: vectorFromArray(active, new Bool()),
    score: makeVector(makeData({ type: new Float64(), length: n, data: scores })),
    note: vectorFromArray(notes, new Utf8()),
  }).batches;
}

const batches = [];
for (let from = 0; from < rows; from += BATCH) batches.push(...batch(from, Math.min(BATCH, rows - from)));
writeFileSync(out, RecordBatchStreamWriter.writeAll(batches).toUint8Array(true));
console.log(JSON.stringify({ rows, batches: batches.length }));
