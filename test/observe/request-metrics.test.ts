// RED metrics from planted request logs: the counts, buckets and exemplars
// expected below follow from the timestamps and statuses written here.
import t from 'tap';
import { loadConfig } from '../../src/config/load-config.js';
import { Counters } from '../../src/observe/counters.js';
import { LabelLimiter } from '../../src/observe/label-limiter.js';
import { Logger } from '../../src/observe/logger.js';
import { MetricsRegistry, OPENMETRICS, PROMETHEUS_TEXT } from '../../src/observe/metrics-registry.js';
import { RequestMetrics } from '../../src/observe/request-metrics.js';
import { SelfMetrics } from '../../src/observe/self-metrics.js';
import { Pipeline } from '../../src/pipeline.js';
import { find, parseMetrics, value } from '../support/metrics-text.js';

const T0 = 1764511620;
const R1 = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const R2 = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';
const R3 = 'req-health-1'; // not hex: its trace id is a hash, the exemplar names both
const R4 = 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4';

function rec(requestId: string, category: string, ts: number, context: Record<string, unknown> = {}, service = 'shop') {
  return { text: JSON.stringify({ category, tracking_id: requestId, span_id: '1', service_name: service, timestamp: ts, levelname: 'INFO', name: service, context }) };
}
function request(requestId: string, method: string, path: string, startS: number, durationS: number, status: string, service = 'shop') {
  return [
    rec(requestId, 'request_start', startS, { http_method: method, url_path: path }, service),
    rec(requestId, 'request_end', startS + durationS, { r_status: status }, service),
  ];
}
function call(requestId: string, callee: string, fn: string, path: string, startS: number, durationS: number, failed: boolean) {
  return [
    rec(requestId, 'dependency_start', startS, { dependency_span_id: path, dependency_name: callee, function_name: fn }),
    rec(requestId, 'dependency_end', startS + durationS, { dependency_span_id: path, exception: failed, ...(failed ? { response: 'timeout' } : {}) }),
  ];
}

function setup(maxLabelValues = 200) {
  const config = loadConfig({ env: {}, overrides: { 'metrics.maxLabelValues': maxLabelValues } });
  const counters = new Counters();
  const pipeline = new Pipeline(config, counters, new Logger({ level: 'error', write: () => {} }));
  const metrics = new MetricsRegistry();
  const limiter = new LabelLimiter(maxLabelValues);
  const red = new RequestMetrics(metrics.registry, config.metrics.latencyBucketsMs, limiter);
  return { pipeline, metrics, red, limiter, counters };
}

t.test('requests, errors and latency per endpoint and per call, with trace ids as exemplars', async (t) => {
  const { pipeline, metrics, red } = setup();
  const [s1, e1] = request(R1, 'POST', '/carts/17/items', T0, 0.030, '201 Created');
  const [s2, e2] = request(R2, 'POST', '/carts/99/items', T0 + 1, 0.700, '500 Internal Server Error');
  const lines = [
    s1!, ...call(R1, 'db', 'insert_item', '1.1', T0 + 0.005, 0.012, false), e1!,
    s2!, ...call(R2, 'db', 'insert_item', '1.1', T0 + 1.010, 0.650, true), e2!,
    ...request(R3, 'GET', '/health', T0 + 2, 0.002, '200 OK'),
    rec(R4, 'request_start', T0 + 3, { http_method: 'GET', url_path: '/carts/5' }), // never ends
  ];
  red.observe(pipeline.spansFrom(lines, Date.now()));
  red.observe(pipeline.assembler.flushAll());
  const om = await metrics.render(OPENMETRICS);
  const s = parseMetrics(om);
  const carts = { service: 'shop', endpoint: 'POST /carts/:id/items' };

  t.equal(value(s, 'requestflow_server_requests_total', carts), 2, 'two cart requests, one series');
  t.equal(value(s, 'requestflow_server_errors_total', carts), 1, 'the 500');
  t.equal(value(s, 'requestflow_server_requests_total', { service: 'shop', endpoint: 'GET /health' }), 1);
  t.equal(value(s, 'requestflow_server_errors_total', { service: 'shop', endpoint: 'GET /health' }), undefined, 'no error series for it');

  const bucket = (le: string) => find(s, 'requestflow_server_duration_seconds_bucket', { ...carts, le })[0];
  t.equal(bucket('0.025')?.value, 0, '30 ms is not under 25 ms');
  t.equal(bucket('0.05')?.value, 1, '30 ms');
  t.equal(bucket('0.5')?.value, 1);
  t.equal(bucket('1')?.value, 2, '700 ms');
  t.equal(bucket('+Inf')?.value, 2);
  t.equal(value(s, 'requestflow_server_duration_seconds_count', carts), 2);
  t.same(bucket('0.05')?.exemplar?.labels, { trace_id: R1 }, 'the 30 ms bucket leads to R1');
  t.equal(bucket('1')?.exemplar?.labels.trace_id, R2, 'the slow bucket leads to R2');
  t.ok(Math.abs(bucket('1')!.exemplar!.value - 0.7) < 1e-6, 'exemplar value is the duration');
  t.equal(bucket('0.5')?.exemplar, undefined, 'no request fell in 250-500 ms');

  const health = find(s, 'requestflow_server_duration_seconds_bucket', { endpoint: 'GET /health', le: '0.005' })[0];
  t.equal(health?.exemplar?.labels.request_id, R3, 'a request id that is not the trace id is named too');
  t.match(health?.exemplar?.labels.trace_id, /^[0-9a-f]{32}$/);

  const open = { service: 'shop', endpoint: 'GET /carts/:id' };
  t.equal(value(s, 'requestflow_server_requests_total', open), 1, 'a span without its end is a request');
  t.equal(value(s, 'requestflow_server_duration_seconds_count', open), undefined, 'but has no latency');

  const db = { caller: 'shop', callee: 'db', call: 'insert_item' };
  t.equal(value(s, 'requestflow_client_calls_total', db), 2);
  t.equal(value(s, 'requestflow_client_errors_total', db), 1);
  t.equal(find(s, 'requestflow_client_duration_seconds_bucket', { ...db, le: '0.025' })[0]?.value, 1, '12 ms');
  t.equal(find(s, 'requestflow_client_duration_seconds_bucket', { ...db, le: '0.025' })[0]?.exemplar?.labels.trace_id, R1);
  t.equal(find(s, 'requestflow_client_duration_seconds_bucket', { ...db, le: '1' })[0]?.exemplar?.labels.trace_id, R2, '650 ms');
  t.match(om, /# EOF\n$/, 'OpenMetrics ends with # EOF');

  const prom = parseMetrics(await metrics.render(PROMETHEUS_TEXT));
  t.equal(value(prom, 'requestflow_server_requests_total', carts), 2, 'same series name in Prometheus text');
  t.equal(prom.filter((x) => x.exemplar).length, 0, 'no exemplars in Prometheus text');
  t.equal(find(prom, 'requestflow_server_duration_seconds_bucket', { ...carts, le: '1' })[0]?.value, 2);
});

t.test('label values past the cap become "other", and are counted', async (t) => {
  const { pipeline, metrics, red, limiter, counters } = setup(2);
  new SelfMetrics(metrics.registry, { counters, openSpans: () => 0, queuedSpans: () => 0 }, limiter);
  const lines = [
    ...request('e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1', 'GET', '/a', T0, 0.01, '200 OK'),
    ...request('e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2', 'GET', '/b', T0, 0.01, '200 OK'),
    ...request('e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3', 'GET', '/c', T0, 0.01, '200 OK'),
    ...request('e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4', 'GET', '/d', T0, 0.01, '200 OK'),
    ...request('e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5', 'GET', '/a', T0, 0.01, '200 OK'),
  ];
  red.observe(pipeline.spansFrom(lines, Date.now()));
  const s = parseMetrics(await metrics.render(OPENMETRICS));
  t.equal(value(s, 'requestflow_server_requests_total', { endpoint: 'GET /a' }), 2);
  t.equal(value(s, 'requestflow_server_requests_total', { endpoint: 'GET /b' }), 1);
  t.equal(value(s, 'requestflow_server_requests_total', { endpoint: 'other' }), 2, '/c and /d');
  t.equal(find(s, 'requestflow_server_requests_total').length, 3, 'three series, not four');
  t.equal(value(s, 'requestflow_metric_label_overflow_total', { label: 'endpoint' }), 2, 'two endpoints refused');
});
