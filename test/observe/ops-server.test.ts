// The HTTP endpoints, in process, with a real pipeline exporting to the real
// Zipkin server (and to a closed port, for the failure cases).
import t from 'tap';
import { createServer } from 'node:net';
import { loadConfig } from '../../src/config/load-config.js';
import { Counters } from '../../src/observe/counters.js';
import { Logger } from '../../src/observe/logger.js';
import { startOpsServer } from '../../src/observe/ops-server.js';
import { Pipeline } from '../../src/pipeline.js';
import { spansUrl } from '../support/requestflow-binary.js';
import { parseMetrics, value } from '../support/metrics-text.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const quiet = () => new Logger({ level: 'error', write: () => {} });

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function get(port: number, path: string, accept?: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: accept ? { accept } : {}, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const REQUEST_ID = 'c0ffee00c0ffee00c0ffee00c0ffee01';
const lines = [
  { category: 'request_start', timestamp: 1764511620.1, context: { http_method: 'GET', url_path: '/books/12' } },
  { category: 'request_end', timestamp: 1764511620.14, context: { r_status: '200 OK' } },
].map((r) => ({ text: JSON.stringify({ ...r, tracking_id: REQUEST_ID, span_id: '1', service_name: 'library', levelname: 'INFO' }) }));

t.test('healthz, readyz and metrics with a pipeline exporting to Zipkin', async (t) => {
  const config = loadConfig({ env: {}, overrides: { 'zipkin.url': spansUrl(zipkinBaseUrl()), 'server.port': 0, 'server.host': '127.0.0.1', 'export.flushIntervalMs': 50 } });
  const pipeline = new Pipeline(config, new Counters(), quiet());
  const ops = await startOpsServer(config, pipeline, quiet());
  t.teardown(() => ops.close());

  const before = await get(ops.port, '/readyz');
  t.equal(before.status, 503, 'not ready before the pipeline starts');
  t.match(JSON.parse(before.body), { status: 'not ready', reasons: ['pipeline not started'] });
  pipeline.start();
  t.equal((await get(ops.port, '/readyz')).status, 200, 'ready once started');
  const health = await get(ops.port, '/healthz');
  t.equal(health.status, 200);
  t.equal(JSON.parse(health.body).status, 'ok');

  await pipeline.processLines(lines);
  await waitForTrace(zipkinBaseUrl(), REQUEST_ID, { minSpans: 1 });
  const prom = await until('span exported', () => get(ops.port, '/metrics'),
    (r) => value(parseMetrics(r.body), 'requestflow_spans_exported_total') === 1);
  t.match(prom.type, /^text\/plain; version=0\.0\.4/);
  const s = parseMetrics(prom.body);
  t.equal(value(s, 'requestflow_lines_read_total'), 2);
  t.equal(value(s, 'requestflow_records_total', { category: 'request_start' }), 1);
  t.equal(value(s, 'requestflow_server_requests_total', { service: 'library', endpoint: 'GET /books/:id' }), 1);
  t.equal(value(s, 'requestflow_export_duration_seconds_count', { outcome: 'success' }), 1);
  t.ok(value(s, 'process_resident_memory_bytes')! > 0, 'process metrics too');

  const om = await get(ops.port, '/metrics', 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
  t.match(om.type, /^application\/openmetrics-text; version=1\.0\.0/);
  const bucket = parseMetrics(om.body).find((x) => x.name === 'requestflow_server_duration_seconds_bucket' && x.labels.le === '0.05');
  t.equal(bucket?.exemplar?.labels.trace_id, REQUEST_ID, 'the 40 ms bucket leads to the trace');

  t.equal((await get(ops.port, '/nope')).status, 404);
  await pipeline.finish();
  const stopping = await get(ops.port, '/readyz');
  t.equal(stopping.status, 503);
  t.match(stopping.body, /stopping/);
});

t.test('readyz fails once exports have failed for the budget; healthz stays ok', async (t) => {
  const config = loadConfig({ env: {}, overrides: {
    'zipkin.url': `http://127.0.0.1:${await closedPort()}/api/v2/spans`, 'server.port': 0, 'server.host': '127.0.0.1',
    'server.exportFailureBudgetMs': 1, 'export.flushIntervalMs': 20, 'export.retryInitialMs': 50, 'export.retryMaxMs': 100,
  } });
  const pipeline = new Pipeline(config, new Counters(), quiet());
  const ops = await startOpsServer(config, pipeline, quiet());
  pipeline.start();
  pipeline.queue.enqueue(pipeline.spansFrom(lines, Date.now()));
  const r = await until('not ready', () => get(ops.port, '/readyz'), (x) => x.status === 503);
  t.match(JSON.parse(r.body).reasons[0], /exports to Zipkin failing for \d+ s \(budget 0 s\)/);
  t.equal((await get(ops.port, '/healthz')).status, 200, 'alive all the same');
  const s = parseMetrics((await get(ops.port, '/metrics')).body);
  t.ok(value(s, 'requestflow_export_retries_total')! >= 1, 'retries counted');
  t.ok(value(s, 'requestflow_export_duration_seconds_count', { outcome: 'failure' })! >= 1);
  pipeline.queue.setGiveUp(() => true);
  pipeline.sender.stop();
  await pipeline.finish();
  await ops.close();
});

t.test('healthz fails while the event loop is blocked, and recovers', async (t) => {
  const config = loadConfig({ env: {}, overrides: { 'server.port': 0, 'server.host': '127.0.0.1', 'server.maxEventLoopLagMs': 200 } });
  const pipeline = new Pipeline(config, new Counters(), quiet());
  const ops = await startOpsServer(config, pipeline, quiet());
  t.teardown(() => ops.close());
  t.equal((await get(ops.port, '/healthz')).status, 200);
  const until1 = Date.now() + 1500;
  while (Date.now() < until1) { /* block the loop: what a stuck parser would do */ }
  const bad = await get(ops.port, '/healthz');
  t.equal(bad.status, 503);
  t.match(JSON.parse(bad.body).reasons[0], /event loop lagging \d+ ms \(limit 200 ms\)/);
  await until('healthy again', () => get(ops.port, '/healthz'), (x) => x.status === 200);
  t.pass('recovered');
});

t.test('a taken port stops start-up with a message naming server.port', async (t) => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  const logged: string[] = [];
  const config = loadConfig({ env: {}, overrides: { 'server.port': port, 'server.host': '127.0.0.1' } });
  const pipeline = new Pipeline(config, new Counters(), quiet());
  await t.rejects(startOpsServer(config, pipeline, new Logger({ level: 'info', write: (l) => logged.push(l) })),
    new RegExp(`cannot serve /healthz, /readyz, /metrics on 127\\.0\\.0\\.1:${port} \\(server\\.port\\): .*EADDRINUSE`));
  t.match(logged.join(''), /"msg":"server_failed"/);
  await new Promise<void>((r) => taken.close(() => r()));
});
