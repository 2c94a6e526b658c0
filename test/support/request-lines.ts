// Request-log lines for the follow-mode tests, in the format services write
// (/work/shared/log-format.md). Each helper returns the lines of one request
// and the number of spans it must become, so a test's expected traces come
// from the data it wrote, not from requestflow.
import { randomBytes } from 'node:crypto';

export interface RequestSpec {
  requestId: string;
  service: string;
  /** Seconds since the epoch of the first line. */
  startS: number;
  /** Application lines inside the request; their messages are `${requestId} app ${i}`. */
  apps?: number;
  /** Outgoing calls, each a CLIENT span. */
  calls?: number;
  /** Extra context for request_start, e.g. a large body. */
  startContext?: Record<string, unknown>;
}

export const newRequestId = () => randomBytes(16).toString('hex');

function line(spec: RequestSpec, category: string, offsetS: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    levelname: 'INFO', name: spec.service, message: null, category, service_name: spec.service,
    tracking_id: spec.requestId, timestamp: Number((spec.startS + offsetS).toFixed(6)), span_id: '1', ...extra,
  });
}

/** Lines of one request, in log order. */
export function requestLines(spec: RequestSpec): string[] {
  const out = [line(spec, 'request_start', 0, { context: { http_method: 'GET', url_path: '/item', ...spec.startContext } })];
  let t = 0.000001;
  for (let c = 1; c <= (spec.calls ?? 0); c++) {
    const ctx = { dependency_span_id: `1.${c}`, dependency_name: 'db', function_name: 'get' };
    out.push(line(spec, 'dependency_start', (t += 0.0001), { context: ctx }));
    out.push(line(spec, 'dependency_end', (t += 0.0001), { context: { ...ctx, exception: false } }));
  }
  for (let a = 0; a < (spec.apps ?? 0); a++) out.push(line(spec, 'application', (t += 0.000001), { message: appMessage(spec.requestId, a) }));
  out.push(line(spec, 'request_end', (t += 0.0001), { context: { r_status: '200 OK' } }));
  return out;
}

export function appMessage(requestId: string, i: number): string {
  return `${requestId} app ${i}`;
}

/** Spans a request becomes: its SERVER span and one CLIENT span per call. */
export function spanCount(spec: RequestSpec): number {
  return 1 + (spec.calls ?? 0);
}

/** One `aggregated` line holding a whole request (one SERVER span). */
export function aggregatedLine(requestId: string, service: string, startS: number): string {
  return JSON.stringify({
    levelname: 'INFO', name: service, message: 'completed request', category: 'aggregated', service_name: service,
    tracking_id: requestId, timestamp: startS + 0.01, span_id: '1',
    context: { events: [
      { category: 'request_start', timestamp: startS, context: { http_method: 'GET', url_path: '/agg' } },
      { category: 'request_end', timestamp: startS + 0.005, context: { r_status: '200 OK' } },
    ] },
  });
}

const CRI_TIME = () => new Date().toISOString().replace('Z', '123456Z');

/** A line as containerd writes it (one F piece). */
export function criLine(content: string, stream = 'stdout'): string {
  return `${CRI_TIME()} ${stream} F ${content}`;
}
