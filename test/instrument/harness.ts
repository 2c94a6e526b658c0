// Shared test helpers (not a test file): a line-capturing output, a server on
// 127.0.0.1:0, a format-side reading of lines (aggregated lines expanded).
import * as http from 'node:http';
import { Writable } from 'node:stream';

export type Json = any;

/** An output stream that keeps every line written to it. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
  records(): Json[] {
    return this.lines().map((l) => JSON.parse(l));
  }
  /** Waits (polling) until pred holds for the records written so far. */
  async until(pred: (records: Json[]) => boolean, timeoutMs = 3000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const recs = this.records();
      if (pred(recs)) return recs;
      if (Date.now() > deadline) throw new Error(`timed out waiting for log lines; have:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

export interface Served {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serve(listener: http.RequestListener): Promise<Served> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = await serve(() => {});
  await s.close();
  return s.port;
}

/** GET/POST with exact header names (node:http keeps their case on the wire). */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** One event per request/dependency event, aggregated lines expanded; each inherits the ids of its line. */
export function trackingEvents(records: Json[]): Json[] {
  const out: Json[] = [];
  for (const r of records) {
    if (r.category === 'aggregated') {
      for (const e of r.context.events) {
        out.push({ tracking_id: r.tracking_id, span_id: r.span_id, service_name: r.service_name, category: e.category, timestamp: e.timestamp, context: e.context });
      }
    } else if (r.category !== undefined && r.category !== 'application') {
      out.push({ tracking_id: r.tracking_id, span_id: r.span_id, service_name: r.service_name, category: r.category, timestamp: r.timestamp, context: r.context });
    }
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
