/**
 * Reads traces back from a Zipkin server's v2 API (the I/O edge of the
 * analysis). In: a base URL such as http://localhost:9411. Out: traces as
 * Zipkin JSON. Long lookbacks are fetched in time windows, so no single
 * answer is huge and progress can be reported; a trace that falls in two
 * windows is kept once.
 */
import type { ZipkinDependencyLink, ZipkinSpan } from './zipkin-span.js';

export const DEFAULT_ZIPKIN_BASE_URL = 'http://localhost:9411';

export class ZipkinQueryError extends Error {}

export interface TraceQuery {
  serviceName?: string;
  spanName?: string;
  /** Epoch ms; default now. */
  endTs?: number;
  lookbackMs: number;
  /** Most traces in all. */
  limit: number;
}

export interface FetchProgress {
  window: number;
  windows: number;
  traces: number;
}

/** Windows per query: enough that progress moves, few enough that a short lookback costs one or two requests. */
const WINDOWS = 12;
const TIMEOUT_MS = 60_000;

export class ZipkinClient {
  readonly baseUrl: string;

  /** `headers`: zipkin.headers, e.g. the authorization a gateway in front of Zipkin wants. */
  constructor(baseUrl: string, private readonly headers: Record<string, string> = {}) {
    // Accept the UI link or the span endpoint too: people paste what they have.
    this.baseUrl = baseUrl.replace(/\/+$/, '').replace(/\/(zipkin|api\/v2\/spans|api\/v2)$/, '');
  }

  async trace(traceId: string): Promise<ZipkinSpan[] | undefined> {
    const res = await this.get(`/api/v2/trace/${encodeURIComponent(traceId)}`, true);
    return res === undefined ? undefined : (res as ZipkinSpan[]);
  }

  async dependencies(endTs: number, lookbackMs: number): Promise<ZipkinDependencyLink[]> {
    return (await this.get(`/api/v2/dependencies?${new URLSearchParams({ endTs: String(endTs), lookback: String(lookbackMs) })}`)) as ZipkinDependencyLink[];
  }

  /** Traces in the lookback window, newest window first, at most `limit`. */
  async traces(q: TraceQuery, onProgress?: (p: FetchProgress) => void): Promise<ZipkinSpan[][]> {
    const endTs = q.endTs ?? Date.now();
    const windows = Math.max(1, Math.min(WINDOWS, Math.ceil(q.lookbackMs / 60_000)));
    const windowMs = Math.ceil(q.lookbackMs / windows);
    const seen = new Set<string>();
    const out: ZipkinSpan[][] = [];
    for (let w = 0; w < windows; w++) {
      if (out.length >= q.limit) {
        onProgress?.({ window: windows, windows, traces: out.length });
        break;
      }
      const params = new URLSearchParams({
        endTs: String(endTs - w * windowMs),
        lookback: String(windowMs),
        limit: String(q.limit - out.length),
      });
      if (q.serviceName) params.set('serviceName', q.serviceName);
      if (q.spanName) params.set('spanName', q.spanName);
      const batch = (await this.get(`/api/v2/traces?${params}`)) as ZipkinSpan[][];
      for (const trace of batch) {
        const id = trace[0]?.traceId;
        if (!id || seen.has(id)) continue;
        seen.add(id);
        out.push(trace);
      }
      onProgress?.({ window: w + 1, windows, traces: out.length });
    }
    return out;
  }

  private async get(path: string, allow404 = false): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw new ZipkinQueryError(`cannot reach Zipkin at ${this.baseUrl}: ${(e as Error).cause ?? (e as Error).message}`);
    }
    if (allow404 && res.status === 404) return undefined;
    if (!res.ok) throw new ZipkinQueryError(`GET ${url} -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res.json();
  }
}
