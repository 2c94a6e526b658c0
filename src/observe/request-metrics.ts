/**
 * RED metrics from the logs: assembled spans in, Prometheus series out.
 *   SERVER span -> requests, errors, latency per service and endpoint ("GET /users/:id")
 *   CLIENT span -> calls, errors, latency per caller, callee and call (the function called)
 * Each latency bucket keeps, as its OpenMetrics exemplar, the trace id (=
 * request id) of the last request that fell in it, so a slow bucket leads to
 * a trace in Zipkin. Paths are templated and every label is capped
 * (label-limiter.ts). Spans without their end (requestflow.incomplete) count
 * as requests (and errors, if failed) but not in the latency histogram:
 * their duration is not a real one.
 * Every span passes through here, so counting is a few additions into our
 * own series; prom-client's metrics read them when Prometheus scrapes (its
 * per-observation label hashing would cost more than the rest of a span).
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Counter } from 'prom-client';
import { TAG } from '../assemble/tag-names.js';
import type { LabelLimiter } from './label-limiter.js';
import type { OpenMetricsRegistry } from './metrics-registry.js';
import { templatePath } from './path-template.js';

/** OpenMetrics caps an exemplar's label names and values at 128 characters together. */
const EXEMPLAR_MAX_CHARS = 128;
/** Spans' raw label sources remembered with their series; cleared when full (paths with ids make many). */
const LOOKUP_MAX_ENTRIES = 10_000;

type Labels = Record<string, string>;

/** One series: its counts, and its latency histogram with the last exemplar per bucket. */
interface Series {
  labels: Labels;
  requests: number;
  errors: number;
  /** Per bucket (the last is +Inf), not cumulative. */
  bucketCounts: number[];
  sum: number;
  count: number;
  exTraceId: (string | undefined)[];
  exRequestId: (string | undefined)[];
  exValue: number[];
  exAtMs: number[];
}

class SeriesTable {
  readonly series = new Map<string, Series>();
  private lookup = new Map<string, Series>();

  constructor(private readonly buckets: readonly number[]) {}

  /**
   * The series for a raw key, made on first sight by `labelsOf` (which
   * applies templating and the caps). `remember`: false for a key unlikely to
   * come again (a path with an id in it), which would only churn the lookup.
   */
  get(rawKey: string, labelsOf: () => { labels: Labels; remember: boolean }): Series {
    let s = this.lookup.get(rawKey);
    if (s !== undefined) return s;
    const { labels, remember } = labelsOf();
    const key = Object.values(labels).join('\u0000');
    s = this.series.get(key);
    if (s === undefined) {
      const n = this.buckets.length + 1;
      s = {
        labels, requests: 0, errors: 0, bucketCounts: new Array<number>(n).fill(0), sum: 0, count: 0,
        exTraceId: new Array(n).fill(undefined), exRequestId: new Array(n).fill(undefined),
        exValue: new Array<number>(n).fill(0), exAtMs: new Array<number>(n).fill(0),
      };
      this.series.set(key, s);
    }
    if (!remember) return s;
    if (this.lookup.size >= LOOKUP_MAX_ENTRIES) this.lookup = new Map();
    this.lookup.set(rawKey, s);
    return s;
  }

  observe(s: Series, span: ReadableSpan, nowMs: number): void {
    s.requests += 1;
    if (span.status.code === SpanStatusCode.ERROR) s.errors += 1;
    if (span.attributes[TAG.incomplete] !== undefined) return;
    const value = span.duration[0] + span.duration[1] / 1e9;
    let b = 0;
    while (b < this.buckets.length && value > this.buckets[b]!) b++;
    s.bucketCounts[b]! += 1;
    s.sum += value;
    s.count += 1;
    s.exTraceId[b] = span.spanContext().traceId;
    const requestId = span.attributes[TAG.requestId];
    s.exRequestId[b] = typeof requestId === 'string' ? requestId : undefined;
    s.exValue[b] = value;
    s.exAtMs[b] = nowMs;
  }
}

export class RequestMetrics {
  private readonly server: SeriesTable;
  private readonly client: SeriesTable;

  constructor(registry: OpenMetricsRegistry, latencyBucketsMs: readonly number[], private readonly limiter: LabelLimiter) {
    const registers = [registry];
    const buckets = latencyBucketsMs.map((ms) => ms / 1000);
    this.server = new SeriesTable(buckets);
    this.client = new SeriesTable(buckets);
    const server = ['service', 'endpoint'] as const;
    const client = ['caller', 'callee', 'call'] as const;
    const counter = (name: string, help: string, labelNames: readonly string[], table: SeriesTable, of: (s: Series) => number) =>
      new Counter({ name, help, labelNames, registers,
        collect() {
          this.reset();
          for (const s of table.series.values()) if (of(s) > 0) this.inc(s.labels, of(s));
        } });
    counter('requestflow_server_requests', 'Requests served (SERVER spans), per service and endpoint.', server, this.server, (s) => s.requests);
    counter('requestflow_server_errors', 'Requests that failed (exception, 5xx, ERROR log line), per service and endpoint.', server, this.server, (s) => s.errors);
    registry.registerMetric(new HistogramView('requestflow_server_duration_seconds',
      'Request latency per service and endpoint; exemplars carry the trace id.', server, buckets, this.server) as never);
    counter('requestflow_client_calls', 'Outgoing calls (CLIENT spans), per caller, callee and call.', client, this.client, (s) => s.requests);
    counter('requestflow_client_errors', 'Outgoing calls that failed, per caller, callee and call.', client, this.client, (s) => s.errors);
    registry.registerMetric(new HistogramView('requestflow_client_duration_seconds',
      'Outgoing call latency per caller, callee and call; exemplars carry the trace id.', client, buckets, this.client) as never);
  }

  observe(spans: readonly ReadableSpan[]): void {
    const nowMs = Date.now();
    for (const s of spans) {
      const a = s.attributes;
      const service = String(a['service.name'] ?? 'unknown');
      if (s.kind === SpanKind.SERVER) {
        const method = a[TAG.httpMethod];
        const path = a[TAG.httpPath];
        const raw = `${service}\u0000${method === undefined ? '' : String(method)}\u0000${typeof path === 'string' ? path : `\u0001${s.name}`}`;
        const series = this.server.get(raw, () => {
          const endpoint = endpointOf(s);
          return {
            labels: { service: this.limiter.value('service', service), endpoint: this.limiter.value('endpoint', endpoint) },
            // A path with an id in it (/users/:id) is rarely seen twice as written.
            remember: !endpoint.includes('/:'),
          };
        });
        this.server.observe(series, s, nowMs);
      } else if (s.kind === SpanKind.CLIENT) {
        const callee = String(a[TAG.peerService] ?? 'unknown');
        const call = String(a[TAG.codeFunction] ?? s.name);
        const series = this.client.get(`${service}\u0000${callee}\u0000${call}`, () => ({
          labels: { caller: this.limiter.value('caller', service), callee: this.limiter.value('callee', callee), call: this.limiter.value('call', call) },
          remember: true,
        }));
        this.client.observe(series, s, nowMs);
      }
    }
  }
}

/**
 * A latency histogram as prom-client's registry renders one (the same
 * samples a prom-client Histogram gives: cumulative buckets with exemplars,
 * +Inf, _sum, _count), read from a SeriesTable at scrape time.
 */
class HistogramView {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[],
              private readonly buckets: readonly number[], private readonly table: SeriesTable) {}

  async getForPromString() {
    const values: Record<string, unknown>[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const s of this.table.series.values()) {
      if (s.count === 0) continue;
      let cumulative = 0;
      for (let b = 0; b <= this.buckets.length; b++) {
        cumulative += s.bucketCounts[b]!;
        const traceId = s.exTraceId[b];
        values.push({
          labels: { le: b < this.buckets.length ? this.buckets[b] : '+Inf' },
          sharedLabels: s.labels,
          value: cumulative,
          metricName: bucketName,
          exemplar: traceId === undefined ? null
            : { labelSet: exemplarLabels(traceId, s.exRequestId[b]), value: s.exValue[b], timestamp: s.exAtMs[b]! / 1000 },
        });
      }
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  async get() {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(({ sharedLabels, labels, ...v }) => ({ ...v, labels: { ...(labels as Labels), ...(sharedLabels as Labels) } })) };
  }

  reset(): void {
    this.table.series.clear();
  }
}

/** "GET /users/:id" from the span's method and path, else its templated name. */
export function endpointOf(s: ReadableSpan): string {
  const method = s.attributes[TAG.httpMethod];
  const path = s.attributes[TAG.httpPath];
  if (typeof path === 'string') return method ? `${String(method)} ${templatePath(path)}` : templatePath(path);
  const space = s.name.indexOf(' ');
  return space > 0 && s.name[space + 1] === '/' ? `${s.name.slice(0, space)} ${templatePath(s.name.slice(space + 1))}` : s.name;
}

/** trace_id always; request_id too when it is not the trace id and still fits. */
export function exemplarLabels(traceId: string, requestId: string | undefined): Record<string, string> {
  const labels: Record<string, string> = { trace_id: traceId };
  if (requestId !== undefined && requestId !== traceId
      && 'trace_id'.length + traceId.length + 'request_id'.length + requestId.length <= EXEMPLAR_MAX_CHARS) {
    labels.request_id = requestId;
  }
  return labels;
}
