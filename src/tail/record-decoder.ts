/**
 * One file's bytes in, its records out: frames lines, reads each in the
 * file's format (CRI, Docker json-file or plain; detected from the first
 * non-empty line unless configured) and joins partial pieces.
 * Input: consecutive chunks starting at `startOffset`.
 * Output: LogRecords with their byte ranges, in the order they complete.
 * Drops nothing silently: a line not in the file's format is kept as a plain
 * record and counted (converted.malformed_*); cut records say so.
 * `safeOffset` is where a checkpoint may point: no unfinished line or chain
 * of partial pieces starts before it.
 */
import type { Counters } from '../observe/counters.js';
import { parseCriLine } from './formats/cri.js';
import { parseDockerLine } from './formats/docker.js';
import type { LogFormat, Piece } from './formats/piece.js';
import { LineFramer, type FramedLine } from './line-framer.js';
import { RecordJoiner, type LogRecord } from './record-joiner.js';

export type FormatSetting = 'auto' | LogFormat;

/** Room for a CRI/Docker line's own prefix and escaping beyond the record limit. */
export const LINE_OVERHEAD_BYTES = 64 * 1024;

export interface RecordDecoderOptions {
  format: FormatSetting;
  maxRecordBytes: number;
  startOffset?: number;
  counters?: Counters;
}

export class RecordDecoder {
  private readonly framer: LineFramer;
  private readonly joiner: RecordJoiner;
  private fmt?: LogFormat;

  constructor(private readonly opts: RecordDecoderOptions) {
    this.framer = new LineFramer(opts.maxRecordBytes + LINE_OVERHEAD_BYTES, opts.startOffset ?? 0);
    this.joiner = new RecordJoiner(opts.maxRecordBytes);
    if (opts.format !== 'auto') this.fmt = opts.format;
  }

  /** The file's format, once known. */
  get format(): LogFormat | undefined {
    return this.fmt;
  }

  /** Checkpoints may point here: nothing unfinished starts before it. */
  get safeOffset(): number {
    const chain = this.joiner.oldestPendingStart;
    const line = this.framer.pendingLineStart;
    return chain === undefined ? line : Math.min(chain, line);
  }

  /** Every complete line before this offset has been read (its record is out, or in an open chain). */
  get linesEndOffset(): number {
    return this.framer.pendingLineStart;
  }

  /** Offset just past every byte pushed. */
  get pushedOffset(): number {
    return this.framer.pushedOffset;
  }

  get pendingBytes(): number {
    return this.framer.pendingBytes + this.joiner.pendingBytes;
  }

  push(chunk: Buffer, nowMs: number): LogRecord[] {
    const out: LogRecord[] = [];
    for (const line of this.framer.push(chunk)) this.line(line, nowMs, out);
    return out;
  }

  /** Ends chains whose final piece has not come within `afterMs`. */
  flushStale(nowMs: number, afterMs: number): LogRecord[] {
    const out = this.joiner.flushStale(nowMs, afterMs);
    if (out.length) this.opts.counters?.inc('truncated.partial_chain_flushed', out.length);
    return out;
  }

  /** End of input: the unterminated last line and every open chain become records. */
  end(nowMs: number): LogRecord[] {
    const out: LogRecord[] = [];
    for (const line of this.framer.end()) this.line(line, nowMs, out);
    const rest = this.joiner.end();
    if (rest.length) this.opts.counters?.inc('truncated.partial_chain_flushed', rest.length);
    out.push(...rest);
    return out;
  }

  private line(line: FramedLine, nowMs: number, out: LogRecord[]): void {
    const dropped = line.cutFromBytes === undefined ? 0 : line.cutFromBytes - line.bytes.length;
    if (this.fmt === undefined) {
      if (line.bytes.length === 0) return this.plain(line, dropped, nowMs, out);
      this.fmt = detect(line.bytes);
    }
    let piece: Piece | undefined;
    if (this.fmt === 'cri') {
      piece = parseCriLine(line.bytes, dropped);
      if (!piece) this.opts.counters?.inc('converted.malformed_cri_line');
    } else if (this.fmt === 'docker') {
      // A Docker line cut at the limit is no longer JSON: its record is counted as cut.
      piece = dropped > 0 ? { stream: 'stdout', partial: false, content: Buffer.alloc(0), droppedBytes: line.cutFromBytes! } : parseDockerLine(line.bytes);
      if (!piece) this.opts.counters?.inc('converted.malformed_docker_line');
    }
    if (!piece) return this.plain(line, dropped, nowMs, out);
    this.joiner.add(piece, line.startOffset, line.endOffset, nowMs, out);
  }

  private plain(line: FramedLine, dropped: number, nowMs: number, out: LogRecord[]): void {
    const piece: Piece = { stream: 'plain', partial: false, content: line.bytes };
    if (dropped > 0) piece.droppedBytes = dropped;
    this.joiner.add(piece, line.startOffset, line.endOffset, nowMs, out);
  }
}

/** A file's format from its first non-empty line. */
export function detect(firstLine: Buffer): LogFormat {
  if (parseCriLine(firstLine)) return 'cri';
  if (parseDockerLine(firstLine)) return 'docker';
  return 'plain';
}
