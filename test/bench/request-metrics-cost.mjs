// CPU cost of the request (RED) metrics per span, and of one OpenMetrics render.
// Not a test: `npm run build && node test/bench/request-metrics-cost.mjs [fixed-paths]` (one JSON line; npm run bench runs both).
import { loadConfig } from '../../dist/config/load-config.js';
import { Counters } from '../../dist/observe/counters.js';
import { Logger } from '../../dist/observe/logger.js';
import { LabelLimiter } from '../../dist/observe/label-limiter.js';
import { MetricsRegistry, OPENMETRICS } from '../../dist/observe/metrics-registry.js';
import { RequestMetrics } from '../../dist/observe/request-metrics.js';
import { Pipeline } from '../../dist/pipeline.js';
const config = loadConfig({ env: {} });
const p = new Pipeline(config, new Counters(), new Logger({ level: 'error', write: () => {} }));
// Paths with ids (/items/<i>: one new path per request, templated each time) or 5 fixed paths.
const pathOf = process.argv[2] === 'fixed-paths' ? (i) => `/shelf/${['home', 'movies', 'tv', 'kids', 'news'][i % 5]}` : (i) => `/items/${i}`;
const lines = [];
for (let i = 0; i < 20000; i++) {
  const id = i.toString(16).padStart(32, '0'); const t = 1764511620 + i / 1000;
  const r = (category, ts, context) => ({ text: JSON.stringify({ category, tracking_id: id, span_id: '1', service_name: `svc${i % 5}`, timestamp: ts, levelname: 'INFO', context }) });
  lines.push(r('request_start', t, { http_method: 'GET', url_path: pathOf(i) }), r('dependency_start', t + 0.001, { dependency_span_id: '1.1', dependency_name: `db${i % 3}`, function_name: 'get' }),
    r('dependency_end', t + 0.003, { dependency_span_id: '1.1' }), r('request_end', t + (i % 100) / 1000, { r_status: '200 OK' }));
}
const spans = p.spansFrom(lines, Date.now());
const m = new MetricsRegistry();
const red = new RequestMetrics(m.registry, config.metrics.latencyBucketsMs, new LabelLimiter(200));
for (let k = 0; k < 3; k++) red.observe(spans); // warm
const t0 = process.cpuUsage(); const rounds = 20;
for (let k = 0; k < rounds; k++) red.observe(spans);
const cpu = process.cpuUsage(t0); const us = cpu.user + cpu.system;
const r0 = process.cpuUsage(); for (let k = 0; k < 20; k++) await m.render(OPENMETRICS); const rc = process.cpuUsage(r0);
console.log(JSON.stringify({ spans: spans.length * rounds, cpuUsPerSpan: Number((us / (spans.length * rounds)).toFixed(2)),
  renderMs: Number(((rc.user + rc.system) / 20 / 1000).toFixed(2)), renderBytes: (await m.render(OPENMETRICS)).length }));
