// The bounded stores under the Kubernetes manifest's V8 heap, with the
// default bounds: they must hold before the heap does, or requestflow dies
// with "JavaScript heap out of memory" and, in a pod, loops (each restart
// replays the same lines).
// - A flood of requests that never end (a service that logs request_start
//   and crashes before request_end, over and over): the oldest open spans go
//   to Zipkin marked incomplete and counted.
// - Large spans (many long log lines each) while Zipkin is down: reading
//   pauses at the queue's size bound, not only its span count.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/zipkin-server.js';
import { repoRoot, runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
/** NODE_OPTIONS as k8s/base/deployment.yaml sets it. */
const manifestNodeOptions = /name: NODE_OPTIONS\s+value: (.+)/.exec(readFileSync(join(repoRoot, 'k8s', 'base', 'deployment.yaml'), 'utf8'))![1]!.trim();
// ~1.6 KB a record: 30,000 of them held open would need ~100 MB of heap.
const REQUESTS = 30_000;
const headers = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x-app-header-${i}`, 'v'.repeat(24)]));

t.test(`${REQUESTS} requests without an end under ${manifestNodeOptions}: all exported as incomplete, no crash`, async (t) => {
  const prefix = randomBytes(8).toString('hex');
  const idOf = (i: number) => `${prefix}${i.toString(16).padStart(16, '0')}`;
  const lines: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    lines.push(JSON.stringify({
      category: 'request_start', tracking_id: idOf(i), span_id: '1', service_name: 'flood', timestamp: 1764600000 + i / 1000,
      context: { http_method: 'GET', url_path: `/play/${i}`, headers },
    }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'rf-flood-')), 'starts.log');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const r = await runRequestflow(['--once', '--json', '--zipkin-url', spansUrl(base), file],
    { env: { NODE_OPTIONS: manifestNodeOptions }, timeoutMs: 120_000 });
  t.equal(r.signal, null, `not killed (stderr: ${r.stderr.slice(-300)})`);
  t.equal(r.code, 0, 'exit 0');
  t.notMatch(r.stderr, /memory_bounds_exceed_heap/, 'the default bounds fit the manifest heap');
  const summary = JSON.parse(r.stdout) as { spansExported: number; incomplete: Record<string, number> };
  t.equal(summary.spansExported, REQUESTS, 'every request became a span');
  const pushedOut = (summary.incomplete.evicted ?? 0) + (summary.incomplete.evicted_for_bytes ?? 0);
  t.ok(pushedOut > 0, `the oldest were pushed out by a bound (${JSON.stringify(summary.incomplete)})`);
  t.equal(pushedOut + (summary.incomplete.end_of_input ?? 0), REQUESTS, 'each counted once as incomplete');

  for (const i of [0, REQUESTS - 1]) {
    const [span] = await waitForTrace(base, idOf(i));
    t.equal(span!.name, `get /play/${i}`, `request ${i} is in Zipkin`);
    t.equal(span!.tags?.['requestflow.incomplete'], 'missing_end', 'marked incomplete');
  }
});

// 15,000 requests of 8 log lines of ~300 characters: ~5 KB of heap a span
// once assembled, ~75 MB if the queue held them all.
const LARGE_REQUESTS = 15_000;

function largeSpansFile(prefix: string): string {
  const pad = 'a'.repeat(300);
  const lines: string[] = [];
  for (let i = 0; i < LARGE_REQUESTS; i++) {
    const base = { tracking_id: `${prefix}${i.toString(16).padStart(16, '0')}`, span_id: '1', service_name: 'large', levelname: 'INFO' };
    const t0 = 1764600000 + i / 100;
    lines.push(JSON.stringify({ ...base, category: 'request_start', timestamp: t0, context: { http_method: 'GET', url_path: `/large/${i}` } }));
    for (let k = 0; k < 8; k++) lines.push(JSON.stringify({ ...base, category: 'application', timestamp: t0 + k / 1000, message: `step ${k} ${pad}` }));
    lines.push(JSON.stringify({ ...base, category: 'request_end', timestamp: t0 + 0.009, context: { r_status: '200 OK' } }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'rf-large-')), 'large.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

t.test(`${LARGE_REQUESTS} large spans while Zipkin is down, under ${manifestNodeOptions}: reading pauses, no crash`, async (t) => {
  const file = largeSpansFile(randomBytes(8).toString('hex'));
  const down = `http://127.0.0.1:${await freePort()}/api/v2/spans`;
  const r = await runRequestflow(['--once', '--json', '--set', 'export.onceDeadlineMs=5000', '--set', 'export.retryMaxMs=1000', '--zipkin-url', down, file],
    { env: { NODE_OPTIONS: manifestNodeOptions }, timeoutMs: 120_000 });
  t.equal(r.signal, null, 'not killed');
  t.notMatch(r.stderr, /heap out of memory/, 'no out-of-memory');
  t.equal(r.code, 1, `exit 1: Zipkin unreachable (stderr: ${r.stderr.slice(-300)})`);
  const summary = JSON.parse(r.stdout) as { linesRead: number; spansExported: number; spansFailed: number };
  t.equal(summary.spansExported, 0);
  // Reading paused at the bound until the deadline; after it every batch fails at once and the rest is read through.
  t.equal(summary.linesRead, LARGE_REQUESTS * 10, 'every line read');
  t.equal(summary.spansFailed, LARGE_REQUESTS, 'every span counted as not exported');
});

t.test(`${LARGE_REQUESTS} large spans into the real Zipkin under ${manifestNodeOptions}: all arrive`, async (t) => {
  const prefix = randomBytes(8).toString('hex');
  const file = largeSpansFile(prefix);
  const r = await runRequestflow(['--once', '--json', '--zipkin-url', spansUrl(base), file],
    { env: { NODE_OPTIONS: manifestNodeOptions }, timeoutMs: 120_000 });
  t.equal(r.signal, null, 'not killed');
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr.slice(-300)})`);
  t.equal((JSON.parse(r.stdout) as { spansExported: number }).spansExported, LARGE_REQUESTS);
  const [span] = await waitForTrace(base, `${prefix}${(LARGE_REQUESTS - 1).toString(16).padStart(16, '0')}`);
  t.equal(span!.annotations?.length, 8, 'the last request, with its 8 log lines');
});
