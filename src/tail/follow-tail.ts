/**
 * Follow mode for plain files with the `tail` package: new lines as they are
 * written, from the start of the file. Lines are handed on in batches (one per
 * event-loop turn, one batch at a time). `tail` cannot pause, so lines that
 * arrive while Zipkin is slow wait here in memory.
 * Limits of `tail` 2.2.6 (rotation, truncation, offsets) are why Kubernetes
 * log files use the fs-based follower instead; see the README.
 */
import { Tail } from 'tail';
import type { SplitLine } from './line-splitter.js';

export interface Follower {
  stop(): void;
}

export function followWithTail(
  file: string,
  maxLineBytes: number,
  onLines: (lines: SplitLine[]) => Promise<void> | void,
  onError: (err: Error) => void,
): Follower {
  // flushAtEOF stays off: it hands on the part of a line that is still being
  // written as a line of its own (then the rest as another), losing the record.
  const tail = new Tail(file, { fromBeginning: true, follow: true, flushAtEOF: false, useWatchFile: false });
  let batch: SplitLine[] = [];
  let scheduled = false;
  let busy = false;
  const drain = async () => {
    scheduled = false;
    if (busy || batch.length === 0) return;
    const lines = batch;
    batch = [];
    busy = true;
    try {
      await onLines(lines);
    } finally {
      busy = false;
      if (batch.length) void drain();
    }
  };
  tail.on('line', (text: string) => {
    const bytes = Buffer.byteLength(text);
    batch.push(bytes > maxLineBytes ? { text: text.slice(0, maxLineBytes), cutFromBytes: bytes } : { text });
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => void drain());
    }
  });
  tail.on('error', (e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
  return { stop: () => tail.unwatch() };
}
