/**
 * Delivers one batch of spans to Zipkin through the exporter's own transport
 * (prepareSend), and makes sure one bad span cannot sink a batch:
 *   - spans that Zipkin would refuse are set aside before sending;
 *   - a batch still refused with 400 or 413 is split in halves until the
 *     refused span is found and set aside (counted and logged); the rest is delivered;
 *   - network errors, 5xx and the other 4xx (a wrong path, missing
 *     credentials, 429) are retried with exponential backoff and
 *     jitter until delivered or `giveUp()` says stop (a deadline, a shutdown);
 *   - no POST is larger than batchMaxBytes: Zipkin refuses bodies over its
 *     request limit (10 MiB by default), often by resetting the connection,
 *     which would otherwise look like an outage and be retried forever.
 * The stock BatchSpanProcessor retries nothing and drops on a full queue;
 * this sender is what requestflow uses instead.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { prepareSend } from '@opentelemetry/exporter-zipkin/build/src/platform/node/util.js';
import type { Counters } from '../observe/counters.js';
import type { Logger } from '../observe/logger.js';
import { approxJsonBytes, toZipkin, zipkinSpanProblem, type ZipkinSpan } from './zipkin-span.js';

export interface SenderOptions {
  /** Zipkin's span endpoint, e.g. http://localhost:9411/api/v2/spans. */
  url: string;
  /** Extra HTTP headers for every POST (e.g. authorization for a gateway in front of Zipkin). */
  headers: Record<string, string>;
  /** The pod's IPv4 or IPv6 for localEndpoint ('' for none). */
  localIp: string;
  /** First retry delay (ms); doubles per attempt. */
  retryInitialMs: number;
  /** Longest retry delay (ms). */
  retryMaxMs: number;
  /** Largest POST body (estimated JSON bytes); a single larger span is sent alone. */
  batchMaxBytes: number;
}

export interface SendOutcome {
  delivered: number;
  setAside: number;
  /** Spans not delivered because giveUp() said stop. */
  failed: number;
}

type PostResult = { ok: true } | { ok: false; status?: number; message: string };

/**
 * Statuses with which Zipkin refuses the spans themselves: 400 (one invalid
 * span fails the whole POST) and 413 (too large). Only these split a batch
 * and set a span aside; every other failure is retried.
 */
const SPAN_REFUSALS = new Set([400, 413]);

export class ZipkinSender {
  private readonly send: (spans: unknown[], done: (r: { code: number; error?: Error }) => void) => void;
  private stopped = false;
  /** Retry waits in progress (one per batch in flight). */
  private readonly wakers = new Set<() => void>();
  lastError?: string;
  lastSuccessAtMs?: number;
  /** Called around every POST, with its duration and outcome (metrics hook). */
  onPost?: (durationMs: number, ok: boolean, spans: number) => void;

  constructor(private readonly opts: SenderOptions, private readonly counters: Counters, private readonly log: Logger) {
    this.send = prepareSend(opts.url, opts.headers) as never;
  }

  /** Stops retry waits at once (shutdown); pending sends resolve with what they got. */
  stop(): void {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
  }

  async sendBatch(spans: readonly ReadableSpan[], giveUp: () => boolean): Promise<SendOutcome> {
    const good: ZipkinSpan[] = [];
    let setAside = 0;
    for (const s of spans) {
      const z = toZipkin(s, { localIp: this.opts.localIp });
      const problem = zipkinSpanProblem(z);
      if (problem) {
        setAside += 1;
        this.setAside(z, `invalid: ${problem}`);
      } else {
        good.push(z);
      }
    }
    const r = await this.deliver(good, giveUp);
    return { delivered: r.delivered, setAside: setAside + r.setAside, failed: r.failed };
  }

  /** Delivers Zipkin v2 spans as they are (sendBatch converts and checks them first), in POSTs of at most batchMaxBytes. */
  async deliver(batch: ZipkinSpan[], giveUp: () => boolean): Promise<SendOutcome> {
    const total: SendOutcome = { delivered: 0, setAside: 0, failed: 0 };
    let from = 0;
    while (from < batch.length) {
      let to = from;
      let bytes = 0;
      while (to < batch.length && (to === from || bytes + approxJsonBytes(batch[to]!) <= this.opts.batchMaxBytes)) {
        bytes += approxJsonBytes(batch[to]!);
        to += 1;
      }
      const r = await this.deliverChunk(from === 0 && to === batch.length ? batch : batch.slice(from, to), giveUp);
      total.delivered += r.delivered;
      total.setAside += r.setAside;
      total.failed += r.failed;
      from = to;
    }
    return total;
  }

  private async deliverChunk(batch: ZipkinSpan[], giveUp: () => boolean): Promise<SendOutcome> {
    if (batch.length === 0) return { delivered: 0, setAside: 0, failed: 0 };
    let attempt = 0;
    for (;;) {
      const r = await this.post(batch);
      if (r.ok) {
        this.counters.inc('export.spans_exported', batch.length);
        return { delivered: batch.length, setAside: 0, failed: 0 };
      }
      if (r.status !== undefined && SPAN_REFUSALS.has(r.status)) {
        if (batch.length === 1) {
          this.setAside(batch[0]!, `refused by Zipkin: ${r.message}`);
          return { delivered: 0, setAside: 1, failed: 0 };
        }
        // Zipkin refuses the whole POST for one bad span: split to find it.
        this.counters.inc('export.batches_split');
        const mid = Math.ceil(batch.length / 2);
        const a = await this.deliverChunk(batch.slice(0, mid), giveUp);
        const b = await this.deliverChunk(batch.slice(mid), giveUp);
        return { delivered: a.delivered + b.delivered, setAside: a.setAside + b.setAside, failed: a.failed + b.failed };
      }
      // Network errors, 429, 5xx, and the statuses of a wrong URL or missing
      // credentials (404, 405, 401, 403): nothing is wrong with the spans, so
      // they wait and are retried rather than set aside.
      if (r.status !== undefined && r.status < 500 && r.status !== 429) {
        this.log.warnSummarised('export_endpoint_refused', { status: r.status, url: this.opts.url,
          hint: 'check zipkin.url (Zipkin takes spans at /api/v2/spans) and zipkin.headers' });
      }
      if (giveUp() || this.stopped) {
        this.counters.inc('dropped.export_failed', batch.length);
        this.log.error('export_failed', { spans: batch.length, reason: r.message });
        return { delivered: 0, setAside: 0, failed: batch.length };
      }
      attempt += 1;
      this.counters.inc('export.retries');
      this.counters.inc('export.spans_retried', batch.length);
      const delayMs = Math.min(this.opts.retryMaxMs, this.opts.retryInitialMs * 2 ** (attempt - 1));
      this.log.warnSummarised('export_retry', { reason: r.message, attempt, delayMs });
      await this.sleep(delayMs * (0.5 + Math.random() / 2));
    }
  }

  private post(batch: ZipkinSpan[]): Promise<PostResult> {
    const startedAt = performance.now();
    return new Promise((resolve) => {
      this.send(batch, (result) => {
        const ok = result.code === 0;
        this.onPost?.(performance.now() - startedAt, ok, batch.length);
        if (ok) {
          this.lastSuccessAtMs = Date.now();
          this.lastError = undefined;
          return resolve({ ok: true });
        }
        const message = result.error?.message ?? 'unknown error';
        this.lastError = message;
        // The transport reports HTTP failures only in its error text.
        const m = /status code from zipkin: (\d+)/.exec(message);
        resolve({ ok: false, status: m ? Number(m[1]) : undefined, message });
      });
    });
  }

  private setAside(z: ZipkinSpan, reason: string): void {
    this.counters.inc('export.spans_set_aside');
    this.log.error('span_set_aside', { reason, traceId: z.traceId, spanId: z.id, name: z.name });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
