// The steady-state writer: appends generated request logs (generate-logs.mjs)
// to a file at a fixed rate, as a busy service's container runtime would,
// and records when the line carrying each request's end was written.
//
//   node test/bench/steady-writer.mjs --file F --rate 10000 --seconds 60 [--format cri|plain] [--seed 7] --times T.json
// Writes every 10 ms the lines due by then (O_APPEND, one write). At the end,
// T.json holds { lines, requests, spans, seconds, ends: { <requestId>: <written at, epoch ms> } }.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { criPrefix, generateLines } from './generate-logs.mjs';

const { values } = parseArgs({ options: {
  file: { type: 'string' }, times: { type: 'string' }, rate: { type: 'string', default: '10000' },
  seconds: { type: 'string', default: '60' }, format: { type: 'string', default: 'cri' }, seed: { type: 'string', default: '7' },
} });
const rate = Number(values.rate);
const total = Math.round(rate * Number(values.seconds));
const cri = values.format === 'cri';
const nowMs = () => performance.timeOrigin + performance.now();
const fd = openSync(values.file, 'a');
const lines = generateLines(total, { seed: Number(values.seed), startSec: Date.now() / 1000 });
const ends = {};
let written = 0;
let stats = { requests: 0, spans: 0 };
let done = false;
const startedMs = nowMs();
let stop = false;
process.once('SIGTERM', () => { stop = true; });

while (!done && !stop) {
  const due = Math.floor(((nowMs() - startedMs) / 1000) * rate);
  const batch = [];
  const endsHere = [];
  while (written < due) {
    const next = lines.next();
    if (next.done) { done = true; break; }
    const l = next.value;
    stats = l.stats;
    batch.push(cri ? `${criPrefix(Date.now() / 1000)}${l.text}\n` : `${l.text}\n`);
    if (l.endOf) endsHere.push(l.endOf);
    written += 1;
  }
  if (batch.length) {
    writeSync(fd, batch.join(''));
    const at = nowMs();
    for (const id of endsHere) ends[id] = at;
  }
  await new Promise((r) => setTimeout(r, 10));
}
closeSync(fd);
const seconds = (nowMs() - startedMs) / 1000;
writeFileSync(values.times, JSON.stringify({ lines: written, requests: Object.keys(ends).length, spans: stats.spans, seconds, ends }));
