// Helpers for tests that read back what reached the real Zipkin server.
// Zipkin's POST /api/v2/spans answers 202 before the spans are stored, so
// reads must poll (waitForTrace) rather than assert right after a write.
// Types follow test/fixtures/zipkin-api/zipkin2-api.yaml.

// The Zipkin v2 span model is the one the analysis reads (one declaration).
import type { ZipkinSpan } from '../../src/analyze/zipkin-span.js';
export type { ZipkinAnnotation, ZipkinEndpoint, ZipkinSpan, SpanKind as ZipkinSpanKind } from '../../src/analyze/zipkin-span.js';

export interface ZipkinDependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

export interface FindTracesQuery {
  serviceName?: string;
  spanName?: string;
  /** e.g. `http.status_code=500 and error` */
  annotationQuery?: string;
  minDuration?: number;
  maxDuration?: number;
  limit?: number;
  /** epoch ms; Zipkin defaults to now */
  endTs?: number;
  /** ms before endTs; the harness starts Zipkin with a 10-year QUERY_LOOKBACK default */
  lookbackMs?: number;
}

/** Base URL of the Zipkin started by test/support/run-tests.mjs. */
export function zipkinBaseUrl(): string {
  const url = process.env.ZIPKIN_BASE_URL;
  if (!url) {
    throw new Error(
      'ZIPKIN_BASE_URL is not set: run tests through `npm test` or ' +
        '`node test/support/run-tests.mjs <files>`, which start a real Zipkin server',
    );
  }
  return url.replace(/\/+$/, '');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    throw new Error(`GET ${url} -> ${res.status}: ${(await res.text()).slice(0, 500)}`);
  }
  return (await res.json()) as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** POSTs v2 JSON spans; returns the raw response (202 on success, 400 on invalid spans). */
export async function postSpans(baseUrl: string, spans: unknown[]): Promise<Response> {
  return fetch(`${baseUrl}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spans),
    signal: AbortSignal.timeout(10_000),
  });
}

/** One trace, or undefined when Zipkin answers 404 (not stored yet, or never). */
export async function getTrace(baseUrl: string, traceId: string): Promise<ZipkinSpan[] | undefined> {
  const url = `${baseUrl}/api/v2/trace/${encodeURIComponent(traceId.toLowerCase())}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${url} -> ${res.status}: ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as ZipkinSpan[];
}

/**
 * Polls until the trace has at least minSpans spans and the same count on two
 * consecutive polls (late spans of one batch may still be landing).
 */
export async function waitForTrace(
  baseUrl: string,
  traceId: string,
  { minSpans = 1, timeoutMs = 15_000, intervalMs = 200 }: { minSpans?: number; timeoutMs?: number; intervalMs?: number } = {},
): Promise<ZipkinSpan[]> {
  const deadline = Date.now() + timeoutMs;
  let last: ZipkinSpan[] | undefined;
  let prevCount = -1;
  for (;;) {
    last = await getTrace(baseUrl, traceId);
    const n = last?.length ?? 0;
    if (last && n >= minSpans && n === prevCount) return last;
    prevCount = n;
    if (Date.now() > deadline) {
      throw new Error(
        `trace ${traceId}: wanted >= ${minSpans} stable spans within ${timeoutMs} ms, last saw ${n}` +
          (last ? `: ${JSON.stringify(last).slice(0, 2000)}` : ' (404)'),
      );
    }
    await sleep(intervalMs);
  }
}

export async function getServices(baseUrl: string): Promise<string[]> {
  return getJson<string[]>(`${baseUrl}/api/v2/services`);
}

/** Span names recorded for a service (GET /api/v2/spans). */
export async function getSpanNames(baseUrl: string, serviceName: string): Promise<string[]> {
  return getJson<string[]>(`${baseUrl}/api/v2/spans${query({ serviceName })}`);
}

/** Service links; endTs defaults to now, lookback to the server's QUERY_LOOKBACK. */
export async function getDependencies(
  baseUrl: string,
  { endTs = Date.now(), lookbackMs }: { endTs?: number; lookbackMs?: number } = {},
): Promise<ZipkinDependencyLink[]> {
  return getJson<ZipkinDependencyLink[]>(`${baseUrl}/api/v2/dependencies${query({ endTs, lookback: lookbackMs })}`);
}

export async function findTraces(baseUrl: string, q: FindTracesQuery = {}): Promise<ZipkinSpan[][]> {
  const { lookbackMs, ...rest } = q;
  return getJson<ZipkinSpan[][]>(`${baseUrl}/api/v2/traces${query({ ...rest, lookback: lookbackMs })}`);
}

/**
 * Polls until Zipkin holds `traces` traces of a service with `spans` spans in
 * all (everything several sidecars sent has landed); returns them.
 */
export async function waitForTraces(
  baseUrl: string,
  { serviceName, traces, spans, timeoutMs = 60_000 }: { serviceName: string; traces: number; spans: number; timeoutMs?: number },
): Promise<ZipkinSpan[][]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await findTraces(baseUrl, { serviceName, limit: traces * 2 + 10, endTs: Date.now() + 60_000, lookbackMs: 24 * 3600_000 });
    const n = found.reduce((a, t) => a + t.length, 0);
    if (found.length === traces && n === spans) return found;
    if (Date.now() > deadline) throw new Error(`${serviceName}: wanted ${traces} traces with ${spans} spans within ${timeoutMs} ms, saw ${found.length} with ${n}`);
    await sleep(500);
  }
}
