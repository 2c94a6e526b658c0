/**
 * Span paths: the dotted decimal X-Hulu-Span-Id ("1", "1.2", "1.2.10").
 *
 * A valid path is one or more parts joined by "."; each part is a decimal
 * integer in canonical form: "0" or digits not starting with "0". Leading
 * zeros are refused so that one call has exactly one spelling ("1.02" and
 * "1.2" would otherwise be two keys for the same span). "0" is accepted
 * although services number from 1: refusing it would drop real data and
 * gains nothing, since it cannot be confused with another path.
 */

const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export function isSpanPath(s: string): boolean {
  const length = s.length;
  if (length === 0) return false;
  let partStart = 0;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (i === partStart) return false; // empty part: "", ".1", "1..2"
      partStart = i + 1;
    } else if (c < DIGIT_0 || c > DIGIT_9) {
      return false;
    } else if (c === DIGIT_0 && i === partStart && i + 1 < length && s.charCodeAt(i + 1) !== DOT) {
      return false; // leading zero: "01", "1.007"
    }
  }
  return partStart < length; // a trailing dot leaves the last part empty
}

/**
 * The caller's span path: "1.2.3" -> "1.2"; a root ("1") has none.
 * Expects a valid path (see isSpanPath); it only cuts at the last dot.
 */
export function parentSpanPath(p: string): string | undefined {
  const lastDot = p.lastIndexOf('.');
  return lastDot <= 0 ? undefined : p.slice(0, lastDot);
}
