/**
 * Docker json-file log lines: {"log":"...","stream":"stdout","time":"..."}.
 * Docker splits a long record into 16 KiB pieces; every piece but the last
 * has a `log` value without the trailing "\n".
 */
import type { Piece } from './piece.js';

const OPEN_BRACE = 0x7b;

/** The piece, or undefined when the line is not a Docker json-file line. */
export function parseDockerLine(line: Buffer): Piece | undefined {
  if (line[0] !== OPEN_BRACE) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { log, stream } = v as { log?: unknown; stream?: unknown };
  if (typeof log !== 'string' || (stream !== undefined && typeof stream !== 'string')) return undefined;
  const partial = !log.endsWith('\n');
  const text = partial ? log : log.slice(0, log.endsWith('\r\n') ? -2 : -1);
  return { stream: stream ?? 'stdout', partial, content: Buffer.from(text, 'utf8') };
}
