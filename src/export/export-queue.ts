/**
 * The bounded buffer between span assembly and Zipkin: spans in, batches out.
 * Up to MAX_POSTS_IN_FLIGHT batches are sent at once (the reader need not
 * wait for each answer), but they settle in the order they were made.
 * Each enqueue may carry an `ack`, called once every span before it has been
 * accepted by Zipkin (or deliberately set aside): checkpoints hang off it, so
 * acks are called in order, whatever order Zipkin answers in.
 * After a batch fails for good (a shutdown deadline), no later ack is called:
 * a checkpoint must never move past spans that were not delivered.
 * When the queue holds `maxQueuedSpans`, or spans of `maxQueuedBytes` (their
 * text: a span with many log lines is many times the size of one without),
 * `hasRoom()` turns false and the reader waits: the log file, not memory, is
 * the buffer while Zipkin is down or slow.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Counters } from '../observe/counters.js';
import { spanTextLength } from './span-size.js';
import type { SendOutcome, ZipkinSender } from './zipkin-sender.js';

/**
 * Batches sent before the first is answered. One would leave the reader idle
 * during every round trip; more than a few only holds more spans in memory.
 */
export const MAX_POSTS_IN_FLIGHT = 4;

export interface ExportQueueOptions {
  /** Most spans in one POST. */
  batchMaxSpans: number;
  /** A partial batch is sent after this long (ms). */
  flushIntervalMs: number;
  /** Spans held at most before reading pauses. */
  maxQueuedSpans: number;
  /** Characters of spans (spanTextLength) held at most before reading pauses. */
  maxQueuedBytes: number;
}

type Item = ReadableSpan | Ack;
class Ack { constructor(readonly fn: () => void) {} }

/** A batch sent and not yet settled, with the acks that follow its spans. */
interface InFlight {
  spans: number;
  bytes: number;
  acks: Ack[];
  outcome?: SendOutcome;
  settled: Promise<void>;
}

/** The part of ZipkinSender the queue uses. */
export type BatchSender = Pick<ZipkinSender, 'sendBatch'>;

export class ExportQueue {
  private items: Item[] = [];
  /** spanTextLength of each item (0 for an ack), measured once when it is queued. */
  private sizes: number[] = [];
  private head = 0;
  /** Spans not yet delivered: waiting, or in a batch in flight. */
  private queued = 0;
  private queuedBytes = 0;
  private inFlightSpans = 0;
  private readonly inFlight: InFlight[] = [];
  private timer?: NodeJS.Timeout;
  private roomWaiters: (() => void)[] = [];
  private giveUp: () => boolean = () => false;
  private acksBlocked = false;
  readonly totals: SendOutcome = { delivered: 0, setAside: 0, failed: 0 };
  /** Sees every span as it is queued (the request metrics hook). */
  onEnqueue?: (spans: readonly ReadableSpan[]) => void;

  constructor(private readonly sender: BatchSender, private readonly opts: ExportQueueOptions,
              private readonly counters: Counters, private readonly maxInFlight = MAX_POSTS_IN_FLIGHT) {}

  get queuedSpans(): number {
    return this.queued;
  }

  /** Characters of the spans not yet delivered (spanTextLength). */
  get queuedSpanBytes(): number {
    return this.queuedBytes;
  }

  hasRoom(): boolean {
    return this.queued < this.opts.maxQueuedSpans && this.queuedBytes < this.opts.maxQueuedBytes;
  }

  /** Resolves when the queue has room again. */
  waitForRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** When to stop retrying a failing batch (--once uses a deadline; the daemon retries on). */
  setGiveUp(giveUp: () => boolean): void {
    this.giveUp = giveUp;
  }

  start(): void {
    this.timer ??= setInterval(() => this.pump(true), this.opts.flushIntervalMs);
    this.timer.unref();
  }

  enqueue(spans: readonly ReadableSpan[], ack?: () => void): void {
    if (spans.length) this.onEnqueue?.(spans);
    for (const s of spans) {
      const size = spanTextLength(s);
      this.items.push(s);
      this.sizes.push(size);
      this.queuedBytes += size;
    }
    this.queued += spans.length;
    if (ack) {
      this.items.push(new Ack(ack));
      this.sizes.push(0);
    }
    this.counters.inc('export.spans_queued', spans.length);
    this.pump(false);
  }

  /** Sends what waits now, as far as the room in flight allows, without waiting for a full batch or the flush tick. */
  sendWaiting(): void {
    this.pump(true);
  }

  /** Sends everything queued so far and resolves when it is delivered or given up. */
  async flush(): Promise<void> {
    for (;;) {
      this.pump(true);
      const first = this.inFlight[0];
      if (!first) break;
      await first.settled;
    }
    this.takeLeadingAcks();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Starts batches while there is room in flight: full ones only, or (`partial`) whatever waits. */
  private pump(partial: boolean): void {
    for (;;) {
      this.takeLeadingAcks();
      const waiting = this.queued - this.inFlightSpans;
      if (waiting === 0 || this.inFlight.length >= this.maxInFlight) return;
      if (!partial && waiting < this.opts.batchMaxSpans) return;
      this.startBatch();
    }
  }

  private startBatch(): void {
    const batch: ReadableSpan[] = [];
    const acks: Ack[] = [];
    let bytes = 0;
    let i = this.head;
    for (; i < this.items.length && batch.length < this.opts.batchMaxSpans; i++) {
      const it = this.items[i]!;
      if (it instanceof Ack) acks.push(it);
      else {
        batch.push(it);
        bytes += this.sizes[i]!;
      }
    }
    // Acks right after the batch's last span are covered by it too.
    while (i < this.items.length && this.items[i] instanceof Ack) acks.push(this.items[i++] as Ack);
    this.head = i;
    this.compact();
    this.inFlightSpans += batch.length;
    const entry: InFlight = { spans: batch.length, bytes, acks, settled: Promise.resolve() };
    entry.settled = this.sender.sendBatch(batch, this.giveUp).then(
      (outcome) => { entry.outcome = outcome; },
      // Not expected (the sender reports failures as outcomes); if it happens,
      // the batch counts as lost and, like any loss, stops the checkpoints.
      () => {
        this.counters.inc('dropped.export_failed', batch.length);
        entry.outcome = { delivered: 0, setAside: 0, failed: batch.length };
      },
    ).then(() => this.settle());
    this.inFlight.push(entry);
  }

  /** Batches settle in the order they were sent: a later answer waits for the earlier ones. */
  private settle(): void {
    while (this.inFlight[0]?.outcome) {
      const b = this.inFlight.shift()!;
      const outcome = b.outcome!;
      this.totals.delivered += outcome.delivered;
      this.totals.setAside += outcome.setAside;
      this.totals.failed += outcome.failed;
      this.queued -= b.spans;
      this.queuedBytes -= b.bytes;
      this.inFlightSpans -= b.spans;
      // A span that failed for good is counted as dropped and logged by the sender;
      // its line is not acknowledged, so a checkpoint never moves past it.
      if (outcome.failed > 0) this.acksBlocked = true;
      if (!this.acksBlocked) for (const a of b.acks) a.fn();
    }
    this.wakeRoomWaiters();
    this.pump(false);
  }

  /** Acks with no span before them: due once every batch in flight is delivered. */
  private takeLeadingAcks(): void {
    while (this.head < this.items.length && this.items[this.head] instanceof Ack) {
      const ack = this.items[this.head++] as Ack;
      const last = this.inFlight[this.inFlight.length - 1];
      if (last) last.acks.push(ack);
      else if (!this.acksBlocked) ack.fn();
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    } else if (this.head === this.items.length) {
      this.items = [];
      this.sizes = [];
      this.head = 0;
    }
  }

  private wakeRoomWaiters(): void {
    if (!this.hasRoom()) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }
}
