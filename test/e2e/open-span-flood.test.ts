// A flood of requests that never end (a service that logs request_start and
// crashes before request_end, over and over) under the Kubernetes manifest's
// V8 heap. The open-span bounds must hold before the heap does: the oldest
// spans go to Zipkin marked incomplete and counted, and requestflow neither
// crashes nor stops (a crash would loop, replaying the same lines).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
