/**
 * Lines and bytes per input, as counters input_lines.<file> and
 * input_bytes.<file> (requestflow_input_lines_total{file}, ..._bytes_total).
 * A record read from a followed file knows the bytes it took in the file
 * (CRI and Docker wrapping included); otherwise its text plus the newline.
 */
import type { InputRecord } from '../pipeline.js';
import type { Counters } from './counters.js';

export function countInputRecords(counters: Counters, file: string, records: readonly InputRecord[]): void {
  let bytes = 0;
  for (const r of records) {
    bytes += r.startOffset !== undefined && r.endOffset !== undefined
      ? r.endOffset - r.startOffset
      : (r.cutFromBytes ?? Buffer.byteLength(r.text)) + 1;
  }
  counters.inc(`input_lines.${file}`, records.length);
  counters.inc(`input_bytes.${file}`, bytes);
}
