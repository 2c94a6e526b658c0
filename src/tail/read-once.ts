/**
 * --once and stdin input: a file (or stdin for "-") from its first byte to
 * its last, as batches of records in the file's format (CRI, Docker
 * json-file or plain). Reading waits while the caller's handler awaits, so
 * the export queue's bound holds back the read. No checkpoints.
 */
import { createReadStream } from 'node:fs';
import type { Counters } from '../observe/counters.js';
import { RecordDecoder, type FormatSetting } from './record-decoder.js';
import type { LogRecord } from './record-joiner.js';

export interface ReadOnceOptions {
  format: FormatSetting;
  maxRecordBytes: number;
  counters?: Counters;
}

export async function readOnce(
  input: string,
  opts: ReadOnceOptions,
  onRecords: (records: LogRecord[]) => Promise<void> | void,
): Promise<void> {
  const stream = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: 256 * 1024 });
  const decoder = new RecordDecoder({ format: opts.format, maxRecordBytes: opts.maxRecordBytes, counters: opts.counters });
  for await (const chunk of stream) {
    const records = decoder.push(chunk as Buffer, Date.now());
    if (records.length) await onRecords(records);
  }
  const last = decoder.end(Date.now());
  if (last.length) await onRecords(last);
}
