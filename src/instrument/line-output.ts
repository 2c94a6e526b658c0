/**
 * Writes records as JSON lines: one JSON.stringify per line, never throws,
 * and drops (counting) lines while the output is backed up.
 */
import { errorText } from './errors.js';
import { MAX_BUFFERED_OUTPUT_BYTES } from './options.js';

export interface OutputStats {
  /** Lines handed to the output stream. */
  linesWritten: number;
  /** Lines dropped because the output held more than MAX_BUFFERED_OUTPUT_BYTES. */
  linesDropped: number;
}

export class LineOutput {
  readonly stats: OutputStats = { linesWritten: 0, linesDropped: 0 };

  constructor(private readonly output: NodeJS.WritableStream) {}

  write(record: { context?: unknown }): void {
    const buffered = (this.output as { writableLength?: number }).writableLength ?? 0;
    if (buffered > MAX_BUFFERED_OUTPUT_BYTES) {
      this.stats.linesDropped += 1;
      return;
    }
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch (err) {
      // A circular or BigInt value in an app-supplied context must not cost the line.
      line = JSON.stringify({ ...record, context: { unserializable_context: errorText(err) } });
    }
    this.output.write(line + '\n');
    this.stats.linesWritten += 1;
  }
}
