/**
 * JSON.parse that also reads Python's json output: bare NaN, Infinity and
 * -Infinity outside strings. Such lines are repaired (the tokens become null)
 * instead of dropped. Only a line that failed JSON.parse is scanned, so
 * standard lines cost exactly one JSON.parse. Never throws; linear time.
 */

export type LenientParse =
  | { ok: true; value: unknown; repaired: boolean }
  | { ok: false };

const NOT_JSON: LenientParse = Object.freeze({ ok: false });

/** Stands in for a non-finite number during the second parse (NUL keeps it unlike real text). */
const NON_FINITE = '\u0000requestflow:non-finite';
const NON_FINITE_JSON = JSON.stringify(NON_FINITE);

export function parseLenientJson(text: string): LenientParse {
  try {
    return { ok: true, value: JSON.parse(text), repaired: false };
  } catch {
    // fall through to the repair
  }
  const repairedText = replaceNonFiniteTokens(text);
  if (repairedText === undefined) return NOT_JSON;
  try {
    return { ok: true, value: JSON.parse(repairedText, reviveNonFinite), repaired: true };
  } catch {
    return NOT_JSON;
  }
}

/**
 * A record's non-finite `timestamp` (its holder has a `category`) stays NaN so
 * the decoder rejects it as an invalid time rather than a missing one; every
 * other non-finite number becomes null.
 */
function reviveNonFinite(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (value !== NON_FINITE) return value;
  return key === 'timestamp' && 'category' in this ? Number.NaN : null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const CAPITAL_N = 0x4e;
const CAPITAL_I = 0x49;

/**
 * Replaces NaN, Infinity and -Infinity found outside JSON strings with a
 * placeholder string; undefined when there are none (the line is not JSON).
 */
export function replaceNonFiniteTokens(text: string): string | undefined {
  const parts: string[] = [];
  let copiedUpTo = 0;
  let inString = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    let tokenLength = 0;
    if (c === QUOTE) inString = true;
    else if (c === CAPITAL_N && text.startsWith('NaN', i)) tokenLength = 3;
    else if (c === CAPITAL_I && text.startsWith('Infinity', i)) tokenLength = 8;
    else if (c === MINUS && text.startsWith('-Infinity', i)) tokenLength = 9;
    if (tokenLength > 0) {
      parts.push(text.slice(copiedUpTo, i), NON_FINITE_JSON);
      i += tokenLength - 1;
      copiedUpTo = i + 1;
    }
  }
  if (parts.length === 0) return undefined;
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}
