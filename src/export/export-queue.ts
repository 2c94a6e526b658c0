/**
 * The bounded buffer between span assembly and Zipkin: spans in, batches out,
 * one batch in flight at a time so delivery keeps the order spans were made in.
 * Each enqueue may carry an `ack`, called once every span before it has been
 * accepted by Zipkin (or deliberately set aside): checkpoints hang off it.
 * After a batch fails for good (a shutdown deadline), no later ack is called:
 * a checkpoint must never move past spans that were not delivered.
 * When the queue holds `maxQueuedSpans`, `hasRoom()` turns false and the reader
 * waits: the log file, not memory, is the buffer while Zipkin is down.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Counters } from '../observe/counters.js';
import type { SendOutcome, ZipkinSender } from './zipkin-sender.js';

export interface ExportQueueOptions {
  /** Most spans in one POST. */
  batchMaxSpans: number;
  /** A partial batch is sent after this long (ms). */
  flushIntervalMs: number;
  /** Spans held at most before reading pauses. */
  maxQueuedSpans: number;
}

type Item = ReadableSpan | Ack;
class Ack { constructor(readonly fn: () => void) {} }

export class ExportQueue {
  private items: Item[] = [];
  private head = 0;
  private queued = 0;
  private sending?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private roomWaiters: (() => void)[] = [];
  private giveUp: () => boolean = () => false;
  private acksBlocked = false;
  readonly totals: SendOutcome = { delivered: 0, setAside: 0, failed: 0 };
  /** Sees every span as it is queued (the request metrics hook). */
  onEnqueue?: (spans: readonly ReadableSpan[]) => void;

  constructor(private readonly sender: ZipkinSender, private readonly opts: ExportQueueOptions,
              private readonly counters: Counters) {}

  get queuedSpans(): number {
    return this.queued;
  }

  hasRoom(): boolean {
    return this.queued < this.opts.maxQueuedSpans;
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
    this.timer ??= setInterval(() => { void this.pump(); }, this.opts.flushIntervalMs);
    this.timer.unref();
  }

  enqueue(spans: readonly ReadableSpan[], ack?: () => void): void {
    if (spans.length) this.onEnqueue?.(spans);
    for (const s of spans) this.items.push(s);
    this.queued += spans.length;
    if (ack) this.items.push(new Ack(ack));
    this.counters.inc('export.spans_queued', spans.length);
    if (this.queued >= this.opts.batchMaxSpans) void this.pump();
    else if (this.queued === 0) this.releaseLeadingAcks();
  }

  /** Sends everything queued so far and resolves when it is delivered or given up. */
  async flush(): Promise<void> {
    while (this.queued > 0 || this.sending) {
      await (this.sending ?? this.pump());
    }
    this.releaseLeadingAcks();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private pump(): Promise<void> {
    if (this.sending || this.queued === 0) {
      this.releaseLeadingAcks();
      return this.sending ?? Promise.resolve();
    }
    this.sending = this.sendNext().finally(() => {
      this.sending = undefined;
      if (this.queued >= this.opts.batchMaxSpans) void this.pump();
    });
    return this.sending;
  }

  private async sendNext(): Promise<void> {
    this.releaseLeadingAcks();
    const batch: ReadableSpan[] = [];
    const acks: Ack[] = [];
    let i = this.head;
    for (; i < this.items.length && batch.length < this.opts.batchMaxSpans; i++) {
      const it = this.items[i]!;
      if (it instanceof Ack) acks.push(it);
      else batch.push(it);
    }
    // Acks right after the batch's last span are covered by it too.
    while (i < this.items.length && this.items[i] instanceof Ack) acks.push(this.items[i++] as Ack);
    const outcome = await this.sender.sendBatch(batch, this.giveUp);
    this.totals.delivered += outcome.delivered;
    this.totals.setAside += outcome.setAside;
    this.totals.failed += outcome.failed;
    this.head = i;
    this.queued -= batch.length;
    this.compact();
    // A span that failed for good is counted as dropped and logged by the sender;
    // its line is not acknowledged, so a checkpoint never moves past it.
    if (outcome.failed > 0) this.acksBlocked = true;
    if (!this.acksBlocked) for (const a of acks) a.fn();
    this.wakeRoomWaiters();
  }

  private releaseLeadingAcks(): void {
    while (this.head < this.items.length && this.items[this.head] instanceof Ack) {
      const ack = this.items[this.head++] as Ack;
      if (!this.acksBlocked) ack.fn();
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    } else if (this.head === this.items.length) {
      this.items = [];
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
