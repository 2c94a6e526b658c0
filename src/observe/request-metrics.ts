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
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Counter, Histogram } from 'prom-client';
import { TAG } from '../assemble/tag-names.js';
import type { LabelLimiter } from './label-limiter.js';
import type { OpenMetricsRegistry } from './metrics-registry.js';
import { templatePath } from './path-template.js';

/** OpenMetrics caps an exemplar's label names and values at 128 characters together. */
const EXEMPLAR_MAX_CHARS = 128;

export class RequestMetrics {
  private readonly serverRequests: Counter<'service' | 'endpoint'>;
  private readonly serverErrors: Counter<'service' | 'endpoint'>;
  private readonly serverDuration: Histogram<'service' | 'endpoint'>;
  private readonly clientCalls: Counter<'caller' | 'callee' | 'call'>;
  private readonly clientErrors: Counter<'caller' | 'callee' | 'call'>;
  private readonly clientDuration: Histogram<'caller' | 'callee' | 'call'>;

  constructor(registry: OpenMetricsRegistry, latencyBucketsMs: readonly number[], private readonly limiter: LabelLimiter) {
    const registers = [registry];
    const buckets = latencyBucketsMs.map((ms) => ms / 1000);
    const server = ['service', 'endpoint'] as const;
    const client = ['caller', 'callee', 'call'] as const;
    this.serverRequests = new Counter({ name: 'requestflow_server_requests', help: 'Requests served (SERVER spans), per service and endpoint.', labelNames: server, registers });
    this.serverErrors = new Counter({ name: 'requestflow_server_errors', help: 'Requests that failed (exception, 5xx, ERROR log line), per service and endpoint.', labelNames: server, registers });
    this.serverDuration = new Histogram({ name: 'requestflow_server_duration_seconds', help: 'Request latency per service and endpoint; exemplars carry the trace id.',
      labelNames: server, buckets, registers, enableExemplars: true });
    this.clientCalls = new Counter({ name: 'requestflow_client_calls', help: 'Outgoing calls (CLIENT spans), per caller, callee and call.', labelNames: client, registers });
    this.clientErrors = new Counter({ name: 'requestflow_client_errors', help: 'Outgoing calls that failed, per caller, callee and call.', labelNames: client, registers });
    this.clientDuration = new Histogram({ name: 'requestflow_client_duration_seconds', help: 'Outgoing call latency per caller, callee and call; exemplars carry the trace id.',
      labelNames: client, buckets, registers, enableExemplars: true });
  }

  observe(spans: readonly ReadableSpan[]): void {
    for (const s of spans) {
      if (s.kind === SpanKind.SERVER) this.observeServer(s);
      else if (s.kind === SpanKind.CLIENT) this.observeClient(s);
    }
  }

  private observeServer(s: ReadableSpan): void {
    const a = s.attributes;
    const labels = {
      service: this.limiter.value('service', String(a['service.name'] ?? 'unknown')),
      endpoint: this.limiter.value('endpoint', endpointOf(s)),
    };
    this.serverRequests.inc(labels);
    if (s.status.code === SpanStatusCode.ERROR) this.serverErrors.inc(labels);
    if (a[TAG.incomplete] === undefined) this.serverDuration.observe({ labels, value: seconds(s), exemplarLabels: exemplar(s) });
  }

  private observeClient(s: ReadableSpan): void {
    const a = s.attributes;
    const labels = {
      caller: this.limiter.value('caller', String(a['service.name'] ?? 'unknown')),
      callee: this.limiter.value('callee', String(a[TAG.peerService] ?? 'unknown')),
      call: this.limiter.value('call', String(a[TAG.codeFunction] ?? s.name)),
    };
    this.clientCalls.inc(labels);
    if (s.status.code === SpanStatusCode.ERROR) this.clientErrors.inc(labels);
    if (a[TAG.incomplete] === undefined) this.clientDuration.observe({ labels, value: seconds(s), exemplarLabels: exemplar(s) });
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

function seconds(s: ReadableSpan): number {
  return s.duration[0] + s.duration[1] / 1e9;
}

/** trace_id always; request_id too when it is not the trace id and still fits. */
export function exemplar(s: ReadableSpan): Record<string, string> {
  const traceId = s.spanContext().traceId;
  const labels: Record<string, string> = { trace_id: traceId };
  const requestId = s.attributes[TAG.requestId];
  if (typeof requestId === 'string' && requestId !== traceId
      && 'trace_id'.length + traceId.length + 'request_id'.length + requestId.length <= EXEMPLAR_MAX_CHARS) {
    labels.request_id = requestId;
  }
  return labels;
}
