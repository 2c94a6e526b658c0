/**
 * requestflow's own log: JSON lines on stderr. Never the content of the
 * requests it processes at info level. Repeated problems are summarised:
 * the first occurrence of an event is logged, then a count every interval.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: Level;
  /** How often repeated warnings are summarised (ms). */
  summaryIntervalMs?: number;
  write?: (line: string) => void;
}

export class Logger {
  private readonly min: number;
  private readonly write: (line: string) => void;
  private readonly repeats = new Map<string, { msg: string; count: number; last: Record<string, unknown> }>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: LoggerOptions) {
    this.min = ORDER[opts.level];
    this.write = opts.write ?? ((line) => process.stderr.write(line));
  }

  debug(msg: string, fields?: Record<string, unknown>): void { this.emit('debug', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.emit('info', msg, fields); }
  warn(msg: string, fields?: Record<string, unknown>): void { this.emit('warn', msg, fields); }
  error(msg: string, fields?: Record<string, unknown>): void { this.emit('error', msg, fields); }

  /** Logs the first `msg` at warn; later ones are counted and summarised. */
  warnSummarised(msg: string, fields?: Record<string, unknown>): void {
    // One problem is a message and its reason: another reason is news, not a repeat.
    const key = typeof fields?.reason === 'string' ? `${msg}\u0000${fields.reason}` : msg;
    const r = this.repeats.get(key);
    if (!r) {
      this.repeats.set(key, { msg, count: 0, last: fields ?? {} });
      this.emit('warn', msg, fields);
      this.schedule();
      return;
    }
    r.count += 1;
    r.last = fields ?? {};
  }

  /** Writes pending summaries now (at shutdown). */
  flushSummaries(): void {
    for (const r of this.repeats.values()) {
      if (r.count > 0) this.emit('warn', r.msg, { ...r.last, repeated: r.count });
    }
    this.repeats.clear();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flushSummaries();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flushSummaries(), this.opts.summaryIntervalMs ?? 30_000);
    this.timer.unref();
  }

  private emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < this.min) return;
    this.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  }
}
