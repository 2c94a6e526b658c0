// The real binary in follow mode serves /healthz, /readyz and /metrics with
// real counts while it exports a fixture to the real Zipkin server. Expected
// counts come from the fixture itself (a flat log: one record per line).
import t from 'tap';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fixtures, spansUrl, spawnRequestflow } from '../support/requestflow-binary.js';
import { find, parseMetrics, value, type Sample } from '../support/metrics-text.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const FIXTURE = join(fixtures, 'legacy', 'flat-single-service.ndjson');
const FIXTURE_TRACE = '0a9e8d7c6b5a49382716f5e4d3c2b1a0';
const LATER_TRACE = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f1';

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch((e: Error) => e as unknown as T);
    if (!(v instanceof Error) && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last ${v instanceof Error ? v.message : JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

t.test('follow mode: probes and metrics over HTTP, counts from the fixture', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-ops-'));
  const log = join(dir, 'app.log');
  copyFileSync(FIXTURE, log);
  const fixtureLines = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { category?: string });
  const byCategory: Record<string, number> = {};
  for (const l of fixtureLines) if (l.category) byCategory[l.category] = (byCategory[l.category] ?? 0) + 1;

  const child = spawnRequestflow([log, '--zipkin-url', spansUrl(zipkinBaseUrl()),
    '--set', 'server.port=0', '--set', 'server.host=127.0.0.1', '--set', 'export.flushIntervalMs=50']);
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const stderr: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server_listening line: ${stderr.join('')}`)), 30_000);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      const r = JSON.parse(line) as { msg?: string; port?: number };
      if (r.msg === 'server_listening') { clearTimeout(timer); resolve(r.port!); }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr.join('\n')}`)));
  });
  const get = async (path: string, accept?: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: accept ? { accept } : {}, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  };
  const metrics = async (): Promise<Sample[]> => parseMetrics((await get('/metrics')).body);

  let s = await until('both spans exported', metrics, (x) => value(x, 'requestflow_spans_exported_total') === 2);
  await waitForTrace(zipkinBaseUrl(), FIXTURE_TRACE, { minSpans: 2 });
  t.equal(value(s, 'requestflow_lines_read_total'), fixtureLines.length, 'every line read');
  for (const [category, n] of Object.entries(byCategory)) t.equal(value(s, 'requestflow_records_total', { category }), n, `records ${category}`);
  t.equal(value(s, 'requestflow_lines_skipped_total', { reason: 'no_category' }), fixtureLines.filter((l) => !l.category).length);
  t.equal(value(s, 'requestflow_input_lines_total', { file: log }), fixtureLines.length);
  t.equal(value(s, 'requestflow_input_bytes_total', { file: log }), statSync(log).size, 'bytes = the file size');
  t.equal(value(s, 'requestflow_server_requests_total', { service: 'search' }), 1);
  t.equal(value(s, 'requestflow_client_calls_total', { caller: 'search', callee: 'index', call: 'run_query' }), 1);
  t.equal(value(s, 'requestflow_open_spans'), 0);

  const ready = await get('/readyz');
  t.equal(ready.status, 200, ready.body);
  t.equal((await get('/healthz')).status, 200);

  const om = parseMetrics((await get('/metrics', 'application/openmetrics-text; version=1.0.0')).body);
  // request_start 1764511620.1002 .. request_end 1764511620.17005: 69.85 ms, in the 100 ms bucket.
  const bucket = find(om, 'requestflow_server_duration_seconds_bucket', { service: 'search', le: '0.1' })[0];
  t.equal(bucket?.exemplar?.labels.trace_id, FIXTURE_TRACE, 'the bucket leads to the fixture trace');

  // Lines written later are followed and counted too.
  const later = [
    { category: 'request_start', timestamp: 1764511700.0, context: { http_method: 'GET', url_path: '/search/42' } },
    { category: 'request_end', timestamp: 1764511700.3, context: { r_status: '503 Service Unavailable' } },
  ].map((r) => JSON.stringify({ ...r, tracking_id: LATER_TRACE, span_id: '1', service_name: 'search', levelname: 'INFO' })).join('\n');
  appendFileSync(log, `${later}\n`);
  s = await until('the later request exported', metrics, (x) => value(x, 'requestflow_spans_exported_total') === 3);
  await waitForTrace(zipkinBaseUrl(), LATER_TRACE, { minSpans: 1 });
  t.equal(value(s, 'requestflow_server_errors_total', { service: 'search', endpoint: 'GET /search/:id' }), 1, 'the 503, path templated');
  t.equal(value(s, 'requestflow_lines_read_total'), fixtureLines.length + 2);

  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
  t.equal(code, 0, 'SIGTERM: exit 0');
  const records = stderr.map((l) => JSON.parse(l) as Record<string, unknown>);
  t.ok(records.every((r) => typeof r.level === 'string' && typeof r.msg === 'string'), 'every stderr line is a JSON log record');
  const info = stderr.filter((_, i) => records[i]!.level === 'info').join('\n');
  for (const content of ['space docs', 'cache miss', 'curl/8.1', '/query']) t.notMatch(info, content, `no request content at info: ${content}`);
});
