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
import { parseCriLine, readCriPrefix, type CriFields } from './formats/cri.js';
import { parseDockerLine } from './formats/docker.js';
import type { LogFormat, Piece } from './formats/piece.js';
import { LineFramer, type OnLine } from './line-framer.js';
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
  private readonly cri: CriFields = { stream: 'stdout', partial: false, contentStart: 0 };
  private out: LogRecord[] = [];
  private nowMs = 0;
  private readonly onLine: OnLine = (buf, start, end, startOffset, endOffset, cutFromBytes) =>
    this.line(buf, start, end, startOffset, endOffset, cutFromBytes);

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
    this.out = [];
    this.nowMs = nowMs;
    this.framer.pushEach(chunk, this.onLine);
    return this.out;
  }

  /** Ends chains whose final piece has not come within `afterMs`. */
  flushStale(nowMs: number, afterMs: number): LogRecord[] {
    const out = this.joiner.flushStale(nowMs, afterMs);
    if (out.length) this.opts.counters?.inc('truncated.partial_chain_flushed', out.length);
    return out;
  }

  /** End of input: the unterminated last line and every open chain become records. */
  end(nowMs: number): LogRecord[] {
    this.out = [];
    this.nowMs = nowMs;
    for (const l of this.framer.end()) this.line(l.bytes, 0, l.bytes.length, l.startOffset, l.endOffset, l.cutFromBytes);
    const out = this.out;
    const rest = this.joiner.end();
    if (rest.length) this.opts.counters?.inc('truncated.partial_chain_flushed', rest.length);
    out.push(...rest);
    return out;
  }

  /** One line `buf[start, end)`: a whole record in one piece goes out at once; other pieces go to the joiner. */
  private line(buf: Buffer, start: number, end: number, startOffset: number, endOffset: number, cutFromBytes: number | undefined): void {
    const dropped = cutFromBytes === undefined ? 0 : cutFromBytes - (end - start);
    if (this.fmt === undefined) {
      if (end === start) return this.plain(buf, start, end, startOffset, endOffset, dropped);
      this.fmt = detect(buf.subarray(start, end));
    }
    if (this.fmt === 'plain') return this.plain(buf, start, end, startOffset, endOffset, dropped);
    let piece: Piece | undefined;
    if (this.fmt === 'cri') {
      const f = this.cri;
      if (readCriPrefix(buf, start, end, f)) {
        if (!f.partial && dropped === 0 && end - f.contentStart <= this.opts.maxRecordBytes && !this.joiner.isOpen(f.stream)) {
          // The common case: a whole record on one line, decoded straight from the read buffer.
          this.out.push({ text: buf.toString('utf8', f.contentStart, end), startOffset, endOffset });
          return;
        }
        piece = { stream: f.stream, partial: f.partial, content: buf.subarray(f.contentStart, end) };
        if (dropped > 0) piece.droppedBytes = dropped;
      } else {
        this.opts.counters?.inc('converted.malformed_cri_line');
      }
    } else {
      // A Docker line cut at the limit is no longer JSON: its record is counted as cut.
      piece = dropped > 0 ? { stream: 'stdout', partial: false, content: Buffer.alloc(0), droppedBytes: cutFromBytes! } : parseDockerLine(buf.subarray(start, end));
      if (!piece) this.opts.counters?.inc('converted.malformed_docker_line');
    }
    if (!piece) return this.plain(buf, start, end, startOffset, endOffset, dropped);
    this.joiner.add(piece, startOffset, endOffset, this.nowMs, this.out);
  }

  private plain(buf: Buffer, start: number, end: number, startOffset: number, endOffset: number, dropped: number): void {
    if (dropped === 0 && end - start <= this.opts.maxRecordBytes) {
      // Plain lines are never pieces of a longer record: no joining needed.
      this.out.push({ text: buf.toString('utf8', start, end), startOffset, endOffset });
      return;
    }
    const piece: Piece = { stream: 'plain', partial: false, content: buf.subarray(start, end) };
    if (dropped > 0) piece.droppedBytes = dropped;
    this.joiner.add(piece, startOffset, endOffset, this.nowMs, this.out);
  }
}

/** A file's format from its first non-empty line. */
export function detect(firstLine: Buffer): LogFormat {
  if (parseCriLine(firstLine)) return 'cri';
  if (parseDockerLine(firstLine)) return 'docker';
  return 'plain';
}
