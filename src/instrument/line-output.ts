/**
 * Writes records as JSON lines: one JSON.stringify per line, never throws,
 * and drops (counting) lines while the output is backed up.
 * Lines are gathered and handed to the stream once per event-loop turn (or
 * at FLUSH_BYTES), not one write per line: a write to a file or pipe is a
 * system call, and two per request were most of the library's cost. Lines
 * still waiting when the process exits are written by an 'exit' handler
 * (stdout to a file, pipe or terminal is synchronous there).
 */
import { errorText } from './errors.js';
import { MAX_BUFFERED_OUTPUT_BYTES } from './options.js';

export interface OutputStats {
  /** Lines handed to the output stream. */
  linesWritten: number;
  /** Lines dropped because the output held more than MAX_BUFFERED_OUTPUT_BYTES. */
  linesDropped: number;
}

/** Waiting lines are written at once beyond this many characters. */
const FLUSH_BYTES = 64 * 1024;

const waiting = new Set<LineOutput>();
let exitHandlerInstalled = false;

/** What an app-supplied context that JSON cannot hold (circular, BigInt) is written as. */
export function unserializableContext(err: unknown): { unserializable_context: string } {
  return { unserializable_context: errorText(err) };
}

export class LineOutput {
  readonly stats: OutputStats = { linesWritten: 0, linesDropped: 0 };
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private readonly flushSoon = () => this.flush();

  constructor(private readonly output: NodeJS.WritableStream) {}

  write(record: { context?: unknown; [field: string]: unknown }): void {
    if (this.backedUp()) return;
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch (err) {
      // A circular or BigInt value in an app-supplied context must not cost the line.
      line = JSON.stringify({ ...record, context: unserializableContext(err) });
    }
    this.add(line);
  }

  /** A line already serialised (one JSON object, no line break). */
  writeLine(line: string): void {
    if (!this.backedUp()) this.add(line);
  }

  private backedUp(): boolean {
    const buffered = (this.output as { writableLength?: number }).writableLength ?? 0;
    if (buffered + this.pendingBytes <= MAX_BUFFERED_OUTPUT_BYTES) return false;
    this.stats.linesDropped += 1;
    return true;
  }

  private add(line: string): void {
    this.pending.push(line, '\n');
    this.pendingBytes += line.length + 1;
    this.stats.linesWritten += 1;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      waiting.add(this);
      if (!exitHandlerInstalled) {
        exitHandlerInstalled = true;
        process.once('exit', () => { for (const o of waiting) o.flush(); });
      }
      setImmediate(this.flushSoon);
    }
  }

  /** Hands every waiting line to the stream now. */
  flush(): void {
    this.scheduled = false;
    waiting.delete(this);
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.output.write(text);
  }
}
