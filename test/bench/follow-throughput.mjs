// Follow-mode throughput and memory: the real binary (dist/main.js) follows
// a CRI log file of N lines (already written, so it reads at full speed) and
// exports to a stand-in HTTP sink that only counts spans (a sink, not
// Zipkin, so Zipkin's own speed is not what is measured). Prints lines/s,
// MB/s and peak RSS (VmRSS of the daemon).
//
//   npm run build && node test/bench/follow-throughput.mjs [lines=300000]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LINES = Number(process.argv[2] ?? 300_000);
const PER_REQUEST = 5; // start, dependency start/end, one application line, end: 2 spans
const dir = mkdtempSync(join(tmpdir(), 'rf-bench-'));
const log = join(dir, '0.log');
const t0s = Math.floor(Date.now() / 1000) - 3600;
const time = new Date().toISOString();
const out = [];
for (let r = 0; r < LINES / PER_REQUEST; r++) {
  const base = { levelname: 'INFO', name: 'bench', service_name: 'bench', tracking_id: randomBytes(16).toString('hex'), span_id: '1' };
  const ts = t0s + r * 0.001;
  const dep = { dependency_span_id: '1.1', dependency_name: 'db', function_name: 'get' };
  for (const [category, extra] of [
    ['request_start', { context: { http_method: 'GET', url_path: '/item' } }],
    ['dependency_start', { context: dep }],
    ['dependency_end', { context: { ...dep, exception: false } }],
    ['application', { message: 'cache miss for item 42' }],
    ['request_end', { context: { r_status: '200 OK' } }],
  ]) out.push(`${time} stdout F ${JSON.stringify({ ...base, category, timestamp: ts, message: null, ...extra })}`);
}
writeFileSync(log, `${out.join('\n')}\n`);
const bytes = statSync(log).size;
const wantSpans = (LINES / PER_REQUEST) * 2;

let spans = 0;
const sink = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { spans += JSON.parse(Buffer.concat(chunks).toString()).length; res.writeHead(202).end(); });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${sink.address().port}/api/v2/spans`;
writeFileSync(join(dir, 'c.yaml'), `tail:\n  stateDir: ${join(dir, 'state')}\n  format: cri\nlog:\n  level: warn\n`);

const started = performance.now();
const child = spawn(process.execPath, ['dist/main.js', '--config', join(dir, 'c.yaml'), '--zipkin-url', url, log], { stdio: ['ignore', 'ignore', 'inherit'] });
let peakRss = 0;
while (spans < wantSpans) {
  await new Promise((r) => setTimeout(r, 20));
  try { peakRss = Math.max(peakRss, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024); } catch { break; }
}
const seconds = (performance.now() - started) / 1000;
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
sink.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  lines: LINES, megabytes: +(bytes / 1e6).toFixed(1), spans, seconds: +seconds.toFixed(2),
  linesPerSecond: Math.round(LINES / seconds), megabytesPerSecond: +(bytes / 1e6 / seconds).toFixed(1),
  peakRssMiB: +(peakRss / 1048576).toFixed(1), node: process.version,
}));
