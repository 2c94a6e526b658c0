/**
 * Pieces in, records out: joins the `P` pieces of a CRI or Docker record
 * until its final piece, per stream (a stderr line between two stdout pieces
 * is its own record), as bytes, decoding UTF-8 once after joining so a
 * multi-byte character split across pieces stays intact.
 * Bounds: a record keeps at most maxRecordBytes; the rest of its pieces is
 * skipped and the record reports its full length (cutFromBytes). A chain
 * whose final piece never comes is flushed by `flushStale` or `end`.
 * Each record carries the byte range of its pieces in the file; while a chain
 * is open, `oldestPendingStart` says where a checkpoint must stay.
 */
import type { Piece } from './formats/piece.js';

export interface LogRecord {
  text: string;
  /** Offset of the record's first line in the file. */
  startOffset: number;
  /** Offset just past the record's last line. */
  endOffset: number;
  /** Set when the record was longer than maxRecordBytes: its full length in bytes. */
  cutFromBytes?: number;
  /** Set when the record's final piece never came (flushed after a timeout or at the end of input). */
  unfinished?: boolean;
}

interface Chain {
  parts: Buffer[];
  bytes: number;
  droppedBytes: number;
  startOffset: number;
  endOffset: number;
  lastPieceAtMs: number;
}

export class RecordJoiner {
  private readonly chains = new Map<string, Chain>();

  constructor(private readonly maxRecordBytes: number) {}

  /** Start of the oldest chain still waiting for its final piece. */
  get oldestPendingStart(): number | undefined {
    let min: number | undefined;
    for (const c of this.chains.values()) if (min === undefined || c.startOffset < min) min = c.startOffset;
    return min;
  }

  /** A chain of this stream waits for its final piece. */
  isOpen(stream: string): boolean {
    return this.chains.has(stream);
  }

  get pendingBytes(): number {
    let n = 0;
    for (const c of this.chains.values()) n += c.bytes;
    return n;
  }

  add(piece: Piece, startOffset: number, endOffset: number, nowMs: number, out: LogRecord[] = []): LogRecord[] {
    let chain = this.chains.get(piece.stream);
    if (!chain) {
      if (!piece.partial && (piece.droppedBytes ?? 0) === 0 && piece.content.length <= this.maxRecordBytes) {
        // The common case: a whole record on one line.
        out.push({ text: piece.content.toString('utf8'), startOffset, endOffset });
        return out;
      }
      chain = { parts: [], bytes: 0, droppedBytes: 0, startOffset, endOffset, lastPieceAtMs: nowMs };
      this.chains.set(piece.stream, chain);
    }
    const room = this.maxRecordBytes - chain.bytes;
    // Copies: a view would pin the whole read buffer while the chain waits.
    if (piece.content.length <= room) {
      chain.parts.push(Buffer.from(piece.content));
      chain.bytes += piece.content.length;
    } else {
      if (room > 0) chain.parts.push(Buffer.from(piece.content.subarray(0, room)));
      chain.bytes += Math.max(0, room);
      chain.droppedBytes += piece.content.length - Math.max(0, room);
    }
    chain.droppedBytes += piece.droppedBytes ?? 0;
    chain.endOffset = endOffset;
    chain.lastPieceAtMs = nowMs;
    if (!piece.partial) {
      this.chains.delete(piece.stream);
      out.push(finish(chain, false));
    }
    return out;
  }

  /** Chains whose last piece came at least `afterMs` ago are ended as they are. */
  flushStale(nowMs: number, afterMs: number, out: LogRecord[] = []): LogRecord[] {
    for (const [stream, c] of this.chains) {
      if (nowMs - c.lastPieceAtMs < afterMs) continue;
      this.chains.delete(stream);
      out.push(finish(c, true));
    }
    return out;
  }

  /** End of input: every open chain becomes a record. */
  end(out: LogRecord[] = []): LogRecord[] {
    for (const c of [...this.chains.values()].sort((a, b) => a.startOffset - b.startOffset)) out.push(finish(c, true));
    this.chains.clear();
    return out;
  }
}

function finish(c: Chain, unfinished: boolean): LogRecord {
  let buf = c.parts.length === 1 ? c.parts[0]! : Buffer.concat(c.parts, c.bytes);
  if (c.droppedBytes > 0) buf = buf.subarray(0, completeUtf8Length(buf));
  const r: LogRecord = { text: buf.toString('utf8'), startOffset: c.startOffset, endOffset: c.endOffset };
  if (c.droppedBytes > 0) r.cutFromBytes = c.bytes + c.droppedBytes;
  if (unfinished) r.unfinished = true;
  return r;
}

/** Length of `b` without a multi-byte UTF-8 character cut off at its end. */
export function completeUtf8Length(b: Buffer): number {
  let i = b.length - 1;
  let back = 0;
  // Step back over at most 3 continuation bytes to the lead byte.
  while (i >= 0 && back < 3 && (b[i]! & 0xc0) === 0x80) { i--; back++; }
  if (i < 0) return b.length;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? i : b.length;
}
