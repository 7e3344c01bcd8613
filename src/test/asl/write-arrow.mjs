// Writes Arrow IPC test files with Arrow's own JavaScript implementation (an independent writer) for
// ArrowSourceTest: node write-arrow.mjs <dir>. Every value is a pure function of the row number.
import { writeFileSync } from 'node:fs';
import {
  makeData, makeVector, Table, tableToIPC, RecordBatchStreamWriter, vectorFromArray,
  Int8, Int16, Int32, Int64, Uint32, Float32, Float64, Utf8, LargeUtf8, Binary, Bool,
  DateDay, DateMillisecond, TimeMicrosecond, TimeMillisecond, TimestampMicrosecond, TimestampNanosecond,
  TimestampMillisecond, Decimal, Dictionary, Field, Schema, List, Struct, Map_, LargeBinary, FixedSizeBinary, TimeSecond, TimestampSecond, Uint64, Utf8View,
} from 'apache-arrow';

const dir = process.argv[2];
const N = 3000;
// one dictionary type for every batch, so that batches of one stream share its schema
const statusType = new Dictionary(new Utf8(), new Int32());

function validity(n, every) {
  const bytes = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (i % every !== 1) bytes[i >> 3] |= 1 << (i & 7);
  return bytes;
}

function batchTable(from, n) {
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i));
  const i32 = Int32Array.from({ length: n }, (_, i) => (from + i) * 7 - 3000);
  const i8 = Int8Array.from({ length: n }, (_, i) => ((from + i) % 256) - 128);
  const i16 = Int16Array.from({ length: n }, (_, i) => ((from + i) * 13) % 32768);
  const u32 = Uint32Array.from({ length: n }, (_, i) => 4000000000 - (from + i));
  const f32 = Float32Array.from({ length: n }, (_, i) => (from + i) / 8);
  const f64 = Float64Array.from({ length: n }, (_, i) => (from + i) * 1.1e-3 - 2);
  // decimal128(18, 4): four little-endian 32-bit words per value
  const dec = new Uint32Array(n * 4);
  for (let i = 0; i < n; i++) {
    let v = BigInt(from + i) * 123456789n - 5000000000n;
    const u = v < 0n ? (1n << 128n) + v : v;
    for (let w = 0; w < 4; w++) dec[i * 4 + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
  }
  const days = Int32Array.from({ length: n }, (_, i) => 19782 + ((from + i) % 1000));
  const dateMs = BigInt64Array.from({ length: n }, (_, i) => BigInt(19782 + ((from + i) % 1000)) * 86400000n);
  const timeUs = BigInt64Array.from({ length: n }, (_, i) => BigInt((from + i) * 17) * 1000000n + BigInt(from + i));
  const timeMs = Int32Array.from({ length: n }, (_, i) => ((from + i) * 1234) % 86400000);
  const tsUs = BigInt64Array.from({ length: n }, (_, i) => 1735689600000000n + BigInt(from + i) * 3661000001n);
  const tsNs = BigInt64Array.from({ length: n }, (_, i) => 1577836800000000000n + BigInt(from + i) * 1001000n);
  const tsMs = BigInt64Array.from({ length: n }, (_, i) => 1577836800000n + BigInt(from + i) * 60000n);
  const names = Array.from({ length: n }, (_, i) => ((from + i) % 5 === 2 ? null : `name ${from + i} é ✓`));
  const statuses = ['active', 'pending', 'churned', 'trial'];
  const status = Array.from({ length: n }, (_, i) => statuses[(from + i) % 4]);
  const blobs = Array.from({ length: n }, (_, i) => Uint8Array.from([0, 255, (from + i) % 256]));
  const flags = Array.from({ length: n }, (_, i) => ((from + i) % 5 === 3 ? null : (from + i) % 2 === 0));
  const nulls = validity(n, 5);
  // decimal256(30, 4): eight little-endian 32-bit words per value
  const wide = new Uint32Array(n * 8);
  for (let i = 0; i < n; i++) {
    const v = BigInt(from + i) * 98765432109876543210n - 12345678901234567890123n;
    const u = v < 0n ? (1n << 256n) + v : v;
    for (let w = 0; w < 8; w++) wide[i * 8 + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
  }
  const u64 = BigUint64Array.from({ length: n }, (_, i) => 18446744073709551615n - BigInt(from + i) * 7919n);
  const seconds = Int32Array.from({ length: n }, (_, i) => ((from + i) * 37) % 86400);
  const tsSeconds = BigInt64Array.from({ length: n }, (_, i) => 1700000000n + BigInt(from + i) * 3600n);
  return new Table({
    view: vectorFromArray(names.map((v, i) => (v === null ? null : `${v} and some more text past twelve bytes`)),
      new Utf8View()),
    big_blob: vectorFromArray(blobs.map((b) => Uint8Array.from([...b, 7])), new LargeBinary()),
    wide: makeVector(makeData({ type: new Decimal(4, 30, 256), length: n, data: wide })),
    pair: vectorFromArray(blobs.map((b) => Uint8Array.from([b[2], 9])), new FixedSizeBinary(2)),
    at_s: makeVector(makeData({ type: new TimeSecond(), length: n, data: seconds })),
    ts_s: makeVector(makeData({ type: new TimestampSecond('UTC'), length: n, data: tsSeconds })),
    u64: makeVector(makeData({ type: new Uint64(), length: n, data: u64 })),
    id: makeVector(makeData({ type: new Int64(), length: n, data: ids })),
    i: makeVector(makeData({ type: new Int32(), length: n, data: i32, nullBitmap: nulls, nullCount: Math.floor((n + 3) / 5) })),
    tiny: makeVector(makeData({ type: new Int8(), length: n, data: i8 })),
    small: makeVector(makeData({ type: new Int16(), length: n, data: i16 })),
    u: makeVector(makeData({ type: new Uint32(), length: n, data: u32 })),
    f: makeVector(makeData({ type: new Float32(), length: n, data: f32 })),
    d: makeVector(makeData({ type: new Float64(), length: n, data: f64 })),
    amount: makeVector(makeData({ type: new Decimal(4, 18, 128), length: n, data: dec })),
    name: vectorFromArray(names, new Utf8()),
    long_name: vectorFromArray(names, new LargeUtf8()),
    status: vectorFromArray(status, statusType),
    blob: vectorFromArray(blobs, new Binary()),
    flag: vectorFromArray(flags, new Bool()),
    day: makeVector(makeData({ type: new DateDay(), length: n, data: days })),
    day_ms: makeVector(makeData({ type: new DateMillisecond(), length: n, data: dateMs })),
    at: makeVector(makeData({ type: new TimeMicrosecond(), length: n, data: timeUs })),
    at_ms: makeVector(makeData({ type: new TimeMillisecond(), length: n, data: timeMs })),
    ts: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: n, data: tsUs })),
    local: makeVector(makeData({ type: new TimestampMicrosecond(), length: n, data: tsUs.slice() })),
    ns: makeVector(makeData({ type: new TimestampNanosecond(), length: n, data: tsNs })),
    ms: makeVector(makeData({ type: new TimestampMillisecond('+02:00'), length: n, data: tsMs })),
    tags: vectorFromArray(Array.from({ length: n }, (_, i) => ((from + i) % 7 === 3 ? null
        : Array.from({ length: (from + i) % 4 }, (_, k) => (from + i) * 10 + k))),
      new List(new Field('item', new Int32(), true))),
    point: vectorFromArray(Array.from({ length: n }, (_, i) => ((from + i) % 6 === 5 ? null
        : { label: `p${from + i}`, x: (from + i) + 0.25 })),
      new Struct([new Field('label', new Utf8(), true), new Field('x', new Float64(), true)])),
    attrs: vectorFromArray(Array.from({ length: n }, (_, i) => new Map(
        Array.from({ length: (from + i) % 3 }, (_, k) => [`k${k}`, (from + i) + k]))),
      new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false),
        new Field('value', new Int32(), true)]), false))),
  });
}

// The stream format, two streams back to back (Pontoon's append mode), each of two record batches.
const first = RecordBatchStreamWriter.writeAll([...batchTable(0, 1000).batches, ...batchTable(1000, 500).batches]).toUint8Array(true);
const second = RecordBatchStreamWriter.writeAll([...batchTable(1500, N - 1500).batches]).toUint8Array(true);
const stream = new Uint8Array(first.length + second.length);
stream.set(first, 0);
stream.set(second, first.length);
writeFileSync(`${dir}/cache.arrows`, stream);
// A cache whose second stream changed a column's type (i: int32, then utf8), as a changed source query would.
const changed = new Table({
  id: makeVector(makeData({ type: new Int64(), length: 2, data: BigInt64Array.from([7n, 8n]) })),
  i: vectorFromArray(['seven', 'eight'], new Utf8()),
});
const third = RecordBatchStreamWriter.writeAll(changed.batches).toUint8Array(true);
const drifted = new Uint8Array(first.length + third.length);
drifted.set(first, 0);
drifted.set(third, first.length);
writeFileSync(`${dir}/drifted.arrows`, drifted);
// The file format, all rows in one.
const all = batchTable(0, N);
writeFileSync(`${dir}/cache.arrow`, tableToIPC(all, 'file'));
console.log(JSON.stringify({ rows: N, stream: stream.length }));

// The same rows as JSONL, in the model's JSON terms, for the byte-identity check.
const pad = (v, n) => String(v).padStart(n, '0');
const isoDay = (days) => new Date(Number(days) * 86400000).toISOString().slice(0, 10);
function isoMicros(us, withZ) {
  const ms = us / 1000n;
  const frac = us % 1000000n;
  const base = new Date(Number(ms - (ms % 1000n))).toISOString().slice(0, 19);
  return `${base}.${pad(frac, 6)}${withZ ? 'Z' : ''}`;
}
function timeOfDay(us) {
  const s = us / 1000000n;
  return `${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(us % 1000000n, 6)}`;
}
function decimal(v, scale) {
  const neg = v < 0n;
  const a = (neg ? -v : v).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${a.slice(0, a.length - scale)}.${a.slice(a.length - scale)}`;
}
const lines = [];
for (const table of [all]) {
  for (const row of table) {
    const r = row.toJSON();
    const id = BigInt(r.id);
    const n = Number(id);
    lines.push(JSON.stringify({
      id: n, i: r.i, tiny: r.tiny, small: r.small, u: r.u, f: r.f, d: r.d,
      amount: decimal(id * 123456789n - 5000000000n, 4),
      name: r.name, long_name: r.long_name, status: r.status,
      blob: Buffer.from(r.blob).toString('base64'), flag: r.flag,
      day: isoDay(19782 + (n % 1000)), day_ms: isoDay(19782 + (n % 1000)),
      at: timeOfDay(BigInt(n * 17) * 1000000n + id), at_ms: timeOfDay(BigInt((n * 1234) % 86400000) * 1000n),
      ts: isoMicros(1735689600000000n + id * 3661000001n, true),
      local: isoMicros(1735689600000000n + id * 3661000001n, false),
      ns: isoMicros((1577836800000000000n + id * 1001000n) / 1000n, false),
      ms: isoMicros((1577836800000n + id * 60000n) * 1000n, true),
      tags: n % 7 === 3 ? null : Array.from({ length: n % 4 }, (_, k) => n * 10 + k),
      point: n % 6 === 5 ? null : { label: `p${n}`, x: n + 0.25 },
      attrs: Object.fromEntries(Array.from({ length: n % 3 }, (_, k) => [`k${k}`, n + k])),
      view: r.name === null ? null : `${r.name} and some more text past twelve bytes`,
      big_blob: Buffer.from([0, 255, n % 256, 7]).toString('base64'),
      wide: decimal(id * 98765432109876543210n - 12345678901234567890123n, 4),
      pair: Buffer.from([n % 256, 9]).toString('base64'),
      at_s: timeOfDay(BigInt((n * 37) % 86400) * 1000000n),
      ts_s: isoMicros((1700000000n + id * 3600n) * 1000000n, true),
      u64: (18446744073709551615n - id * 7919n).toString(),
    }));
  }
}
writeFileSync(`${dir}/rows.jsonl`, lines.join('\n') + '\n');
