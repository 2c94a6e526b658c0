/**
 * Bounds on what one span may carry, so one runaway record cannot make Zipkin
 * refuse a batch or swamp its UI. Cuts are marked in the value and counted.
 */
export interface LimitOptions {
  /** Longest tag value, in characters; longer values are cut with a marker. */
  maxTagValueLength: number;
  /** Longest annotation text, in characters. */
  maxAnnotationLength: number;
  /** Most annotations (application lines) kept per span; the rest are counted in a tag. */
  maxAnnotationsPerSpan: number;
}

export const TRUNCATION_MARKER = '…[truncated]';

/** Cuts `value` to `max` characters including the marker; `onCut` is called once when it does. */
export function cut(value: string, max: number, onCut: () => void): string {
  if (value.length <= max) return value;
  onCut();
  let keep = Math.max(0, max - TRUNCATION_MARKER.length);
  // Not between the halves of a surrogate pair: half a character is not text.
  if (keep > 0 && isHighSurrogate(value.charCodeAt(keep - 1))) keep -= 1;
  return value.slice(0, keep) + TRUNCATION_MARKER;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
