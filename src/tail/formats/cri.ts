/**
 * CRI log lines (containerd, CRI-O):
 *   <RFC3339 time> <stdout|stderr> <P|F>[:tag...] <content>
 * The time has 0 to 9 fraction digits and Z or a ±hh:mm offset. `P` marks a
 * piece of a longer record that continues on the next line of the same
 * stream; `F` ends it. Parsing stays on bytes: content is not decoded here.
 */
import type { Piece } from './piece.js';

const SPACE = 0x20;
/** Longest time + stream + tag prefix we look at before giving up. */
const MAX_PREFIX_BYTES = 128;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** The piece, or undefined when the line is not a CRI line. */
export function parseCriLine(line: Buffer, droppedBytes = 0): Piece | undefined {
  const limit = Math.min(line.length, MAX_PREFIX_BYTES);
  const sp1 = indexOfSpace(line, 0, limit);
  if (sp1 <= 0) return undefined;
  if (!RFC3339.test(line.toString('latin1', 0, sp1))) return undefined;
  const sp2 = indexOfSpace(line, sp1 + 1, limit);
  if (sp2 === -1) return undefined;
  const stream = line.toString('latin1', sp1 + 1, sp2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // The tag field runs to the next space, or to the end of a line with empty content.
  const sp3 = indexOfSpace(line, sp2 + 1, limit);
  if (sp3 === -1 && line.length > limit) return undefined;
  const tags = line.toString('latin1', sp2 + 1, sp3 === -1 ? line.length : sp3);
  const first = tags.split(':', 1)[0];
  if (first !== 'P' && first !== 'F') return undefined;
  const content = sp3 === -1 ? Buffer.alloc(0) : line.subarray(sp3 + 1);
  const piece: Piece = { stream, partial: first === 'P', content };
  if (droppedBytes > 0) piece.droppedBytes = droppedBytes;
  return piece;
}

function indexOfSpace(b: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === SPACE) return i;
  return -1;
}
