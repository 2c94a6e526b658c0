/**
 * Log timestamps -> whole microseconds since the epoch, never a wrong time.
 *
 * Accepted: a JSON number or a string of decimal digits ("1764511620.1002"),
 * in seconds (the normal case), milliseconds (13 integer digits) or
 * microseconds (16 integer digits), chosen by magnitude. The result must lie
 * in [2001-09-09, 2106-02-07): below 2^32 seconds a double still resolves a
 * microsecond (half an ulp of the parsed seconds is < 0.24 µs), so rounding
 * recovers the digits as written, up to 6 decimals.
 * Refused: booleans, objects, negative, NaN/Infinity, other magnitudes.
 */

import { describeValue } from './describe-value.js';

export type TimestampUnit = 's' | 'ms' | 'us';

export type TimestampResult =
  | { ok: true; timeUs: number; unit: TimestampUnit; fromString: boolean }
  | { ok: false; reason: 'missing_timestamp' | 'invalid_timestamp'; detail: string };

/** 1e9 s = 2001-09-09T01:46:40Z. */
export const MIN_TIME_US = 1e15;
/** 2^32 s = 2106-02-07T06:28:16Z. */
export const MAX_TIME_US = 2 ** 32 * 1e6;

const MIN_SECONDS = MIN_TIME_US / 1e6;
const MAX_SECONDS = MAX_TIME_US / 1e6;
/** More integer digits than this cannot be a plausible time in any unit. */
const MAX_INTEGER_DIGITS = 16;

const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export function toTimeUs(value: unknown): TimestampResult {
  if (typeof value === 'number') return fromNumber(value);
  if (value === undefined || value === null || value === '') {
    return { ok: false, reason: 'missing_timestamp', detail: 'no timestamp' };
  }
  if (typeof value === 'string') return fromDecimalString(value);
  return invalid(`timestamp is ${describeValue(value)}`);
}

function fromNumber(v: number): TimestampResult {
  if (!Number.isFinite(v)) return invalid(`timestamp is ${v}`);
  const unit = unitOf(v);
  if (unit === undefined) return invalid(`timestamp ${v} is not a plausible time in s, ms or µs`);
  // v - floor(v) is exact for doubles >= 1, so only the parse error remains.
  const whole = Math.floor(v);
  const timeUs =
    unit === 's' ? whole * 1e6 + Math.round((v - whole) * 1e6)
    : unit === 'ms' ? whole * 1e3 + Math.round((v - whole) * 1e3)
    : Math.round(v);
  return inRange(timeUs, unit, false, v);
}

function unitOf(v: number): TimestampUnit | undefined {
  if (v >= MIN_SECONDS && v < MAX_SECONDS) return 's';
  if (v >= MIN_SECONDS * 1e3 && v < MAX_SECONDS * 1e3) return 'ms';
  if (v >= MIN_SECONDS * 1e6 && v < MAX_SECONDS * 1e6) return 'us';
  return undefined;
}

/** Digits, optionally "." and more digits; computed from the digits, not via a float. */
function fromDecimalString(s: string): TimestampResult {
  const length = s.length;
  let dot = -1;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT && dot === -1 && i > 0 && i < length - 1) dot = i;
    else if (c < DIGIT_0 || c > DIGIT_9) return invalid(`timestamp string ${describeValue(s)} is not a decimal number`);
  }
  const integerEnd = dot === -1 ? length : dot;
  if (integerEnd > MAX_INTEGER_DIGITS) return invalid(`timestamp string ${describeValue(s)} is not a plausible time`);
  const whole = Number(s.slice(0, integerEnd));
  const unit = unitOf(whole);
  if (unit === undefined) return invalid(`timestamp string ${describeValue(s)} is not a plausible time in s, ms or µs`);
  const fractionDigits = unit === 's' ? 6 : unit === 'ms' ? 3 : 0;
  const scale = unit === 's' ? 1e6 : unit === 'ms' ? 1e3 : 1;
  let fraction = 0;
  for (let k = 0; k < fractionDigits; k++) {
    const i = dot === -1 ? length : dot + 1 + k;
    fraction = fraction * 10 + (i < length ? s.charCodeAt(i) - DIGIT_0 : 0);
  }
  // Round half up on the first dropped digit.
  const next = dot === -1 ? length : dot + 1 + fractionDigits;
  if (next < length && s.charCodeAt(next) >= DIGIT_0 + 5) fraction += 1;
  return inRange(whole * scale + fraction, unit, true, s);
}

function inRange(timeUs: number, unit: TimestampUnit, fromString: boolean, original: number | string): TimestampResult {
  if (timeUs < MIN_TIME_US || timeUs >= MAX_TIME_US) {
    return invalid(`timestamp ${describeValue(original)} is out of range`);
  }
  return { ok: true, timeUs, unit, fromString };
}

function invalid(detail: string): TimestampResult {
  return { ok: false, reason: 'invalid_timestamp', detail };
}
