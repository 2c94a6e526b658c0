// Where the time per line goes, stage by stage, in one process with no I/O
// after the read: each row runs the row above it plus one more stage on the
// same lines (the third replaces JSON.parse by the decoder, which parses
// once), so the difference between rows is that stage's cost. Explains the
// gap between the JSON.parse limit and requestflow --once (run-bench.mjs).
//
//   npm run build && node test/bench/generate-logs.mjs --lines 200000 --out DIR
//   node --expose-gc test/bench/stage-costs.mjs DIR/plain.ndjson [rounds=5]
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../dist/config/load-config.js';
import { toZipkin, zipkinSpanProblem } from '../../dist/export/zipkin-span.js';
import { Counters } from '../../dist/observe/counters.js';
import { Logger } from '../../dist/observe/logger.js';
import { Pipeline } from '../../dist/pipeline.js';
import { decodeLine } from '../../dist/decode/decode-line.js';

const [file, roundsArg = '5'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const buf = readFileSync(file);
const BATCH = 1000;

/** The lines as the reader hands them over: split on the Buffer, decoded once. */
function* batches() {
  let start = 0;
  let batch = [];
  for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
    batch.push({ text: buf.toString('utf8', start, nl) });
    start = nl + 1;
    if (batch.length === BATCH) { yield batch; batch = []; }
  }
  if (batch.length) yield batch;
}

const config = loadConfig({ env: {} });
const log = new Logger({ level: 'error', write: () => {} });
const stages = {
  'split + toString': () => { for (const b of batches()) void b; },
  'split + toString + JSON.parse (the limit)': () => { for (const b of batches()) for (const l of b) { try { JSON.parse(l.text); } catch { /* counted as not JSON */ } } },
  'decodeLine instead (the parse + typed events)': () => { for (const b of batches()) for (const l of b) decodeLine(l.text); },
};
// Pipeline stages: decode + assemble (Pipeline.spansFrom), then the exporter's transform, then JSON.
function pipelineRun(depth) {
  const p = new Pipeline(config, new Counters(), log);
  let spans = 0;
  let bytes = 0;
  for (const b of batches()) {
    const out = p.spansFrom(b, Date.now());
    spans += out.length;
    if (depth < 2) continue;
    const zs = out.map((s) => toZipkin(s, { localIp: '10.0.0.1' })).filter((z) => zipkinSpanProblem(z) === undefined);
    if (depth < 3) continue;
    bytes += JSON.stringify(zs).length;
  }
  p.assembler.flushAll();
  return { spans, bytes };
}
stages['+ assemble spans (Pipeline.spansFrom)'] = () => pipelineRun(1);
stages['+ exporter transform (toZipkin, checks)'] = () => pipelineRun(2);
stages['+ JSON.stringify of each batch (the POST body)'] = () => pipelineRun(3);

const lines = buf.reduce((n, c) => (c === 10 ? n + 1 : n), 0);
console.log(`${file}: ${lines} lines, ${(buf.length / 1048576).toFixed(0)} MiB; best of ${rounds} rounds; node ${process.version}`);
console.log('stage'.padEnd(50), 'µs/line'.padStart(8), 'lines/s'.padStart(10), 'GC ms'.padStart(7));
const { PerformanceObserver } = await import('node:perf_hooks');
let gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
for (const [name, fn] of Object.entries(stages)) {
  let best = Infinity;
  let bestGc = 0;
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    await new Promise((res) => setTimeout(res, 20));
    gcMs = 0;
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    await new Promise((res) => setTimeout(res, 0)); // gc entries arrive asynchronously
    if (dt < best) { best = dt; bestGc = gcMs; }
  }
  console.log(name.padEnd(50), (best * 1000 / lines).toFixed(2).padStart(8), Math.round(lines / best * 1000).toLocaleString('en').padStart(10), bestGc.toFixed(0).padStart(7));
}
