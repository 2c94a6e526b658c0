/**
 * Event-loop lag: a timer that should fire every intervalMs measures how late
 * it fires. The worst lag of the last few samples is reported, so one stall
 * stays visible to the next probe after the loop recovers.
 */
export class EventLoopLag {
  private timer?: NodeJS.Timeout;
  private samples: number[] = [];
  private expectedAt = 0;

  constructor(private readonly intervalMs = 500, private readonly keepSamples = 10) {}

  start(): void {
    this.expectedAt = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.samples.push(Math.max(0, now - this.expectedAt));
      if (this.samples.length > this.keepSamples) this.samples.shift();
      this.expectedAt = now + this.intervalMs;
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Worst recent lag (ms), counting the current wait if it is already late. */
  recentMaxMs(now = performance.now()): number {
    const pending = this.timer ? Math.max(0, now - this.expectedAt) : 0;
    return Math.max(pending, ...this.samples, 0);
  }
}
