// Heap per item of requestflow's two big stores, the figures behind
// src/config/memory-budget.ts: a span waiting for export (the export queue)
// and a span waiting for its end (the open-span store). In one process, with
// the collector run before and after (node --expose-gc).
//
//   npm run build && node test/bench/generate-logs.mjs --lines 200000 --out DIR
//   node --expose-gc test/bench/store-heap.mjs DIR/plain.ndjson
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../dist/config/load-config.js';
import { Counters } from '../../dist/observe/counters.js';
import { Logger } from '../../dist/observe/logger.js';
import { Pipeline } from '../../dist/pipeline.js';
import { spanTextLength } from '../../dist/export/span-size.js';

if (!globalThis.gc) throw new Error('run with node --expose-gc');
const file = process.argv[2];
const all = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const config = loadConfig({ env: {} });
const unbounded = { ...config, assemble: { ...config.assemble, maxOpenSpans: 1e9, maxOpenSpanBytes: 2 ** 40 } };
const pipeline = () => new Pipeline(unbounded, new Counters(), new Logger({ level: 'error', write: () => {} }));
const heap = () => { gc(); return process.memoryUsage().heapUsed; };
const feed = (p, lines, keep) => {
  for (let i = 0; i < lines.length; i += 1000) {
    const spans = p.spansFrom(lines.slice(i, i + 1000).map((text) => ({ text })), Date.now());
    if (keep) for (const s of spans) keep.push(s);
  }
};

// Finished spans, held as the export queue holds them.
{
  const lines = all.slice(0, 60_000);
  const p = pipeline();
  const h0 = heap();
  const kept = [];
  feed(p, lines, kept);
  const dh = heap() - h0;
  const text = kept.reduce((n, s) => n + spanTextLength(s), 0);
  console.log(`export queue: ${kept.length} spans held, heap +${(dh / 1048576).toFixed(1)} MiB = ${Math.round(dh / kept.length)} B a span; `
    + `${Math.round(text / kept.length)} characters of text a span (spanTextLength), heap ${(dh / text).toFixed(2)}x that`);
}
// Requests that started and have not ended: their request_start lines only.
{
  const starts = all.filter((l) => l.includes('"category": "request_start"') || l.includes('"category":"request_start"')).slice(0, 30_000);
  const p = pipeline();
  const h0 = heap();
  feed(p, starts);
  const dh = heap() - h0;
  const a = p.assembler;
  console.log(`open spans: ${a.openSpans} held (${(a.openBytes / 1048576).toFixed(1)} MiB of records), heap +${(dh / 1048576).toFixed(1)} MiB = ${Math.round(dh / a.openSpans)} B a span, ${(dh / a.openBytes).toFixed(2)}x its record's bytes`);
}
