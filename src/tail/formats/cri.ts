/**
 * CRI log lines (containerd, CRI-O):
 *   <RFC3339 time> <stdout|stderr> <P|F>[:tag...] <content>
 * The time has 0 to 9 fraction digits and Z or a ±hh:mm offset. `P` marks a
 * piece of a longer record that continues on the next line of the same
 * stream; `F` ends it. Parsing stays on bytes: content is not decoded here.
 */
import type { Piece } from './piece.js';

const SPACE = 0x20;
const COLON = 0x3a;
const DOT = 0x2e;
const DASH = 0x2d;
const PLUS = 0x2b;
const P = 0x50;
const F = 0x46;
/** Longest time + stream + tag prefix we look at before giving up. */
const MAX_PREFIX_BYTES = 128;
const STDOUT = Buffer.from('stdout');
const STDERR = Buffer.from('stderr');

/** What a CRI line's prefix says; filled in place (one per reader, no object per line). */
export interface CriFields {
  stream: 'stdout' | 'stderr';
  partial: boolean;
  /** Where the content starts (the end of the line for empty content). */
  contentStart: number;
}

/** The piece, or undefined when the line is not a CRI line. */
export function parseCriLine(line: Buffer, droppedBytes = 0): Piece | undefined {
  const f: CriFields = { stream: 'stdout', partial: false, contentStart: 0 };
  if (!readCriPrefix(line, 0, line.length, f)) return undefined;
  const piece: Piece = { stream: f.stream, partial: f.partial, content: line.subarray(f.contentStart) };
  if (droppedBytes > 0) piece.droppedBytes = droppedBytes;
  return piece;
}

/**
 * Reads the prefix of the CRI line `buf[start, end)` into `into`; false when
 * it is not a CRI line. Works on the bytes: no string, no regular expression.
 */
export function readCriPrefix(buf: Buffer, start: number, end: number, into: CriFields): boolean {
  const limit = Math.min(end, start + MAX_PREFIX_BYTES);
  const sp1 = indexOfSpace(buf, start, limit);
  if (sp1 <= start || !isRfc3339(buf, start, sp1)) return false;
  const sp2 = indexOfSpace(buf, sp1 + 1, limit);
  if (sp2 === -1) return false;
  let stream: CriFields['stream'];
  if (equals(buf, sp1 + 1, sp2, STDOUT)) stream = 'stdout';
  else if (equals(buf, sp1 + 1, sp2, STDERR)) stream = 'stderr';
  else return false;
  // The tag field runs to the next space, or to the end of a line with empty content.
  const sp3 = indexOfSpace(buf, sp2 + 1, limit);
  if (sp3 === -1 && end > limit) return false;
  const tagsEnd = sp3 === -1 ? end : sp3;
  // The first tag (before any ":more") is P or F.
  const tag = buf[sp2 + 1];
  if (tagsEnd <= sp2 + 1 || (tag !== P && tag !== F) || (tagsEnd > sp2 + 2 && buf[sp2 + 2] !== COLON)) return false;
  into.stream = stream;
  into.partial = tag === P;
  into.contentStart = sp3 === -1 ? end : sp3 + 1;
  return true;
}

/** RFC3339 as the runtimes write it: 2024-01-02T03:04:05[.1-9 digits](Z|±hh:mm), T and Z in either case. */
function isRfc3339(b: Buffer, from: number, to: number): boolean {
  if (to - from < 20) return false;
  const f = from;
  if (!(digits(b, f, 4) && b[f + 4] === DASH && digits(b, f + 5, 2) && b[f + 7] === DASH && digits(b, f + 8, 2)
    && (b[f + 10] === 0x54 || b[f + 10] === 0x74) && digits(b, f + 11, 2) && b[f + 13] === COLON
    && digits(b, f + 14, 2) && b[f + 16] === COLON && digits(b, f + 17, 2))) return false;
  let i = f + 19;
  if (b[i] === DOT) {
    const first = i + 1;
    i = first;
    while (i < to && isDigit(b[i]!)) i++;
    if (i === first || i - first > 9) return false;
  }
  if (to - i === 1) return b[i] === 0x5a || b[i] === 0x7a;
  return to - i === 6 && (b[i] === PLUS || b[i] === DASH) && digits(b, i + 1, 2) && b[i + 3] === COLON && digits(b, i + 4, 2);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function digits(b: Buffer, from: number, n: number): boolean {
  for (let i = from; i < from + n; i++) if (!isDigit(b[i]!)) return false;
  return true;
}

function equals(b: Buffer, from: number, to: number, word: Buffer): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[from + i] !== word[i]) return false;
  return true;
}

function indexOfSpace(b: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === SPACE) return i;
  return -1;
}
