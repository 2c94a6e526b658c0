/**
 * Lines and bytes per input file, as counters input_lines.<file> and
 * input_bytes.<file> (requestflow_input_lines_total{file}, ..._bytes_total).
 * For a plain file, a line's bytes are its text plus the newline; a reader
 * that knows the bytes it read (CRI, Docker) counts those instead.
 */
import type { SplitLine } from '../tail/line-splitter.js';
import type { Counters } from './counters.js';

export function countInputLines(counters: Counters, file: string, lines: readonly SplitLine[]): void {
  let bytes = 0;
  for (const l of lines) bytes += (l.cutFromBytes ?? Buffer.byteLength(l.text)) + 1;
  counters.inc(`input_lines.${file}`, lines.length);
  counters.inc(`input_bytes.${file}`, bytes);
}
