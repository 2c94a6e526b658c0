/**
 * Wires the stages: tail (lines) -> decode (events) -> assemble (spans) ->
 * export (Zipkin). Start order: export first, then readers; stop order:
 * readers first, then the open spans, then the export queue.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanAssembler } from './assemble/assembler.js';
import type { Config } from './config/schema.js';
import { decodeLine } from './decode/decode-line.js';
import { ExportQueue } from './export/export-queue.js';
import { ZipkinSender } from './export/zipkin-sender.js';
import type { Counters } from './observe/counters.js';
import type { Logger } from './observe/logger.js';
import type { SplitLine } from './tail/line-splitter.js';

const EXPIRE_EVERY_MS = 1000;

export class Pipeline {
  readonly sender: ZipkinSender;
  readonly queue: ExportQueue;
  readonly assembler: SpanAssembler;
  /** For /readyz: start() ran; finish() began. */
  started = false;
  stopping = false;
  private expireTimer?: NodeJS.Timeout;

  constructor(readonly config: Config, readonly counters: Counters, readonly log: Logger) {
    this.sender = new ZipkinSender({
      url: config.zipkin.url,
      headers: { ...config.zipkin.headers },
      localIpv4: config.zipkin.localIpv4,
      retryInitialMs: config.export.retryInitialMs,
      retryMaxMs: config.export.retryMaxMs,
      batchMaxBytes: config.export.batchMaxBytes,
    }, counters, log);
    this.queue = new ExportQueue(this.sender, config.export, counters);
    this.assembler = new SpanAssembler({
      privacy: config.privacy,
      limits: config.limits,
      openSpanTimeoutMs: config.assemble.openSpanTimeoutMs,
      maxOpenSpans: config.assemble.maxOpenSpans,
    }, counters);
  }

  start(): void {
    this.started = true;
    this.queue.start();
    this.expireTimer = setInterval(() => {
      const spans = this.assembler.expire(Date.now());
      if (spans.length) this.queue.enqueue(spans);
    }, EXPIRE_EVERY_MS);
    this.expireTimer.unref();
  }

  /**
   * The hot path: one batch of lines through decode and assembly into the
   * export queue. Resolves once the queue has room for more (backpressure).
   */
  async processLines(lines: readonly SplitLine[], ack?: () => void): Promise<void> {
    const spans = this.spansFrom(lines, Date.now());
    this.queue.enqueue(spans, ack);
    if (!this.queue.hasRoom()) await this.queue.waitForRoom();
  }

  spansFrom(lines: readonly SplitLine[], nowMs: number): ReadableSpan[] {
    const c = this.counters;
    const spans: ReadableSpan[] = [];
    c.inc('lines.read', lines.length);
    for (const line of lines) {
      if (line.cutFromBytes !== undefined) {
        // A cut line is no longer valid JSON; it is counted, not guessed at.
        c.inc('skipped.line_too_long');
        this.log.warnSummarised('line_too_long', { bytes: line.cutFromBytes, maxLineBytes: this.config.limits.maxLineBytes });
        continue;
      }
      const r = decodeLine(line.text);
      if (r.kind === 'skip') {
        c.inc(`skipped.${r.reason}`);
        continue;
      }
      if (r.kind === 'reject') {
        c.inc(`rejected.${r.reason}`);
        this.log.warnSummarised('record_rejected', { reason: r.reason, detail: r.detail });
        continue;
      }
      for (const conv of r.conversions) c.inc(`converted.${conv}`);
      if (r.rejectedEvents) {
        for (const e of r.rejectedEvents) c.inc(`rejected.${e.reason}`);
      }
      for (const e of r.events) c.inc(`records.${e.category}`);
      for (const s of this.assembler.add(r.events, nowMs)) spans.push(s);
    }
    return spans;
  }

  /** End of input (--once) or shutdown: open spans go out marked incomplete, then everything is flushed. */
  async finish(): Promise<void> {
    this.stopping = true;
    if (this.expireTimer) clearInterval(this.expireTimer);
    const open = this.assembler.flushAll();
    if (open.length) this.queue.enqueue(open);
    await this.queue.close();
  }
}
