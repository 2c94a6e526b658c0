/**
 * One record as the tail stage hands it on: its text, and when it was longer
 * than the record limit, its full length. A whole record is one decodeLine.
 * A cut record is no longer JSON: closed at its last complete member it may
 * still be a request record (`truncated`: its spans say so); otherwise it is
 * skipped as line_too_long. The daemon and `requestflow lint` both decode
 * through here, so they agree on every line. Pure.
 */
import { decodeLine } from './decode-line.js';
import type { DecodeResult } from './log-event.js';
import { closeCutJson } from './salvage-cut-json.js';

export type RecordResult =
  | (DecodeResult & { truncated?: false })
  | (Extract<DecodeResult, { kind: 'events' }> & { truncated: true })
  | { kind: 'skip'; reason: 'line_too_long'; truncated?: false };

const TOO_LONG: RecordResult = Object.freeze({ kind: 'skip', reason: 'line_too_long' });

export function decodeRecord(text: string, cutFromBytes: number | undefined): RecordResult {
  if (cutFromBytes === undefined) return decodeLine(text);
  const closed = closeCutJson(text);
  const r = closed === undefined ? undefined : decodeLine(closed);
  return r?.kind === 'events' && r.events.length > 0 ? { ...r, truncated: true } : TOO_LONG;
}
