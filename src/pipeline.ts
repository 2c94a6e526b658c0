/**
 * Wires the stages: tail (records) -> decode (events) -> assemble (spans) ->
 * export (Zipkin). Start order: export first, then readers; stop order:
 * readers first, then the open spans, then the export queue.
 * For followed files it also runs the at-least-once ack path: each batch's
 * spans go into the export queue with an ack, and the ack tells the file's
 * checkpoint how far it may move: to the batch's safe offset, but never past
 * the earliest record a still-open span was built from.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { getHeapStatistics } from 'node:v8';
import { SpanAssembler, type RecordInfo } from './assemble/assembler.js';
import { sensitiveAllowListed } from './assemble/privacy.js';
import { heapBudgetWarning } from './config/memory-budget.js';
import type { Config } from './config/schema.js';
import { decodeLine } from './decode/decode-line.js';
import type { DecodeResult } from './decode/log-event.js';
import { decodeRecord } from './decode/decode-record.js';
import { ExportQueue } from './export/export-queue.js';
import { ZipkinSender } from './export/zipkin-sender.js';
import { CONVERSION_MEANINGS, EVENT_CATEGORIES, REJECT_RULES, SKIP_MEANINGS } from './decode/reasons.js';
import type { Conversion, RejectReason, SkipReason } from './decode/log-event.js';
import { counterNames, type Counters } from './observe/counters.js';
import { countInputRecords } from './observe/input-counts.js';
import type { Logger } from './observe/logger.js';

const EXPIRE_EVERY_MS = 1000;

const SKIPPED = counterNames('skipped', Object.keys(SKIP_MEANINGS) as SkipReason[]);
const REJECTED = counterNames('rejected', Object.keys(REJECT_RULES) as RejectReason[]);
const CONVERTED = counterNames('converted', Object.keys(CONVERSION_MEANINGS) as Conversion[]);
const RECORDS = counterNames('records', EVENT_CATEGORIES);

/** A record of a log: its text, and where it lies in its file (follow mode). */
export interface InputRecord {
  text: string;
  /** Set when the record was longer than the record limit: its full length in bytes. */
  cutFromBytes?: number;
  startOffset?: number;
  endOffset?: number;
}

/** A followed file as the ack path sees it. */
export interface RecordSource {
  /** Unique while the file is open. */
  readonly id: string;
  /** The file's path (for per-file metrics). */
  readonly path: string;
  /**
   * Records ending at or before this offset were read before the last
   * checkpoint was saved: every span they completed was accepted by Zipkin
   * then, so a replay must not send it again (it could be a fragment).
   */
  readonly replayUntil: number;
  /**
   * Called in order, once Zipkin accepted every span made from the records
   * so far: the file may be re-read from `offset` after a crash; spans
   * completed by records ending at or before `linesEnd` have been delivered.
   */
  commit(offset: number, linesEnd: number): void;
}

interface SourcePosition {
  source: RecordSource;
  safeOffset: number;
  linesEnd: number;
}

export class Pipeline {
  readonly sender: ZipkinSender;
  readonly queue: ExportQueue;
  readonly assembler: SpanAssembler;
  /** For /readyz: start() ran; finish() began. */
  started = false;
  stopping = false;
  private expireTimer?: NodeJS.Timeout;
  private readonly positions = new Map<string, SourcePosition>();

  constructor(readonly config: Config, readonly counters: Counters, readonly log: Logger) {
    this.sender = new ZipkinSender({
      url: config.zipkin.url,
      headers: { ...config.zipkin.headers },
      localIp: config.zipkin.localIp,
      retryInitialMs: config.export.retryInitialMs,
      retryMaxMs: config.export.retryMaxMs,
      batchMaxBytes: config.export.batchMaxBytes,
    }, counters, log);
    this.queue = new ExportQueue(this.sender, config.export, counters);
    const heapWarning = heapBudgetWarning(config, getHeapStatistics().heap_size_limit);
    if (heapWarning) log.warn('memory_bounds_exceed_heap', heapWarning);
    for (const header of sensitiveAllowListed(config.privacy)) {
      log.warn('privacy_sensitive_header_allowed', { header, note: 'allow-listed in privacy.*Headers: its values reach Zipkin unredacted' });
    }
    this.assembler = new SpanAssembler({
      privacy: config.privacy,
      limits: config.limits,
      openSpanTimeoutMs: config.assemble.openSpanTimeoutMs,
      maxOpenSpans: config.assemble.maxOpenSpans,
      maxOpenSpanBytes: config.assemble.maxOpenSpanBytes,
    }, counters);
  }

  start(): void {
    this.started = true;
    this.queue.start();
    this.expireTimer = setInterval(() => {
      const spans = this.assembler.expire(Date.now());
      if (spans.length === 0) return;
      this.queue.enqueue(spans);
      // Expired spans no longer hold their files back.
      this.commitAll();
    }, EXPIRE_EVERY_MS);
    this.expireTimer.unref();
  }

  /**
   * --once and stdin: one batch of records through decode and assembly into
   * the export queue. Resolves once the queue has room for more (backpressure).
   */
  async processLines(lines: readonly InputRecord[], ack?: () => void): Promise<void> {
    const spans = this.spansFrom(lines, Date.now());
    this.queue.enqueue(spans, ack);
    if (!this.queue.hasRoom()) await this.queue.waitForRoom();
  }

  /**
   * Follow mode: one batch of a file's records. `safeOffset`: no unfinished
   * line or chain of pieces starts before it; `linesEnd`: every complete line
   * before it has been read. Resolves once the queue has room for more.
   */
  async processRecords(records: readonly InputRecord[], source: RecordSource, safeOffset: number, linesEnd: number): Promise<void> {
    countInputRecords(this.counters, source.path, records);
    const spans = this.spansFrom(records, Date.now(), source);
    this.positions.set(source.id, { source, safeOffset, linesEnd });
    this.queue.enqueue(spans, this.commitOf(source.id));
    if (this.queue.hasRoom()) return;
    // Zipkin is down or slow: stop reading; the file keeps what is not read yet.
    this.counters.inc('tail.paused');
    this.log.warnSummarised('reading_paused', { queuedSpans: this.queue.queuedSpans, lastError: this.sender.lastError });
    await this.queue.waitForRoom();
  }

  /** The file is closed: it needs no more checkpoint updates after what is queued. */
  forget(sourceId: string): void {
    this.positions.delete(sourceId);
  }

  /** Queues a checkpoint update for every followed file (after expiry, and at shutdown). */
  commitAll(): void {
    for (const id of this.positions.keys()) this.queue.enqueue([], this.commitOf(id));
  }

  // The offset is fixed now, when the spans before it are queued; it is applied once they are delivered.
  private commitOf(sourceId: string): () => void {
    const p = this.positions.get(sourceId)!;
    const hold = this.assembler.holdOffset(sourceId);
    const offset = hold === undefined ? p.safeOffset : Math.min(hold, p.safeOffset);
    const { source, linesEnd } = p;
    return () => source.commit(offset, linesEnd);
  }

  spansFrom(lines: readonly InputRecord[], nowMs: number, source?: RecordSource): ReadableSpan[] {
    const c = this.counters;
    const spans: ReadableSpan[] = [];
    c.inc('lines.read', lines.length);
    // One RecordInfo for the batch: the assembler reads it only during add().
    const info: RecordInfo = { source: source?.id, offset: undefined, bytes: 0, cutFromBytes: undefined };
    for (const line of lines) {
      const r = this.decode(line);
      if (r === undefined) continue;
      if (r.kind === 'skip') {
        c.inc(SKIPPED[r.reason]);
        continue;
      }
      if (r.kind === 'reject') {
        c.inc(REJECTED[r.reason]);
        this.log.warnSummarised('record_rejected', { reason: r.reason, detail: r.detail });
        continue;
      }
      for (const conv of r.conversions) c.inc(CONVERTED[conv]);
      if (r.rejectedEvents) {
        for (const e of r.rejectedEvents) c.inc(REJECTED[e.reason]);
      }
      for (const e of r.events) c.inc(RECORDS[e.category]);
      info.offset = line.startOffset;
      info.bytes = line.text.length;
      info.cutFromBytes = line.cutFromBytes;
      const before = spans.length;
      this.assembler.add(r.events, nowMs, info, spans);
      if (source && line.endOffset !== undefined && line.endOffset <= source.replayUntil) {
        // Re-read after a restart: these spans were delivered before the checkpoint was saved.
        if (spans.length > before) c.inc('replay.spans_suppressed', spans.length - before);
        spans.length = before;
      }
    }
    return spans;
  }

  /**
   * A record cut at the limit is no longer JSON: closed at its last complete
   * member, it may still be a request record (its spans then carry
   * requestflow.truncated); otherwise it is counted as too long.
   */
  private decode(line: InputRecord): DecodeResult | undefined {
    if (line.cutFromBytes === undefined) return decodeLine(line.text);
    const r = decodeRecord(line.text, line.cutFromBytes);
    if (r.truncated) {
      this.counters.inc('truncated.record');
      this.log.warnSummarised('record_cut', { bytes: line.cutFromBytes, maxLineBytes: this.config.limits.maxLineBytes });
      return r;
    }
    this.counters.inc('skipped.line_too_long');
    this.log.warnSummarised('line_too_long', { bytes: line.cutFromBytes, maxLineBytes: this.config.limits.maxLineBytes });
    return undefined;
  }

  /** End of input (--once): open spans go out marked incomplete, then everything is flushed. */
  async finish(): Promise<void> {
    this.stopping = true;
    if (this.expireTimer) clearInterval(this.expireTimer);
    const open = this.assembler.flushAll();
    if (open.length) this.queue.enqueue(open);
    await this.queue.close();
  }

  /**
   * Shutdown of follow mode: complete spans are flushed; open spans stay
   * unexported, held back in the checkpoints, so a restart rebuilds them whole.
   */
  async drain(): Promise<void> {
    if (this.expireTimer) clearInterval(this.expireTimer);
    this.commitAll();
    await this.queue.close();
  }
}
