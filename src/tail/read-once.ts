/**
 * --once input: a file (or stdin for "-") from its first byte to its last,
 * as batches of lines. Reading waits while the caller's handler awaits, so
 * the export queue's bound holds back the read.
 */
import { createReadStream } from 'node:fs';
import { LineSplitter, type SplitLine } from './line-splitter.js';

export async function readOnce(
  input: string,
  maxLineBytes: number,
  onLines: (lines: SplitLine[]) => Promise<void> | void,
): Promise<void> {
  const stream = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: 256 * 1024 });
  const splitter = new LineSplitter(maxLineBytes);
  for await (const chunk of stream) {
    const lines = splitter.push(chunk as Buffer);
    if (lines.length) await onLines(lines);
  }
  const last = splitter.end();
  if (last.length) await onLines(last);
}
