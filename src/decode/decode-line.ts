/**
 * Decode stage: one log line -> DecodeResult. Pure, never throws, linear in
 * the line's length, one JSON.parse for a well-formed line.
 * Input: a line of a service's stdout (with or without its line break).
 * Output: typed LogEvents, one for a flat line and one per inner event of an
 * `aggregated` line, plus the repairs made (BOM, Python NaN/Infinity,
 * timestamps in strings, ms or µs).
 * Drops: blank lines, non-JSON, JSON that is not an object and lines without
 * `category` (skip: not request records); request records with an unknown
 * category, missing ids or time, or a malformed context (reject, with a
 * short detail). A bad inner event of an aggregated line is rejected alone.
 */

import { decodeEvent, isEventCategory } from './decode-event.js';
import { describeValue } from './describe-value.js';
import { parseLenientJson } from './lenient-json.js';
import { readLineFields, type LineFields } from './line-fields.js';
import type { Conversion, DecodeResult, EventRejection, JsonObject, LogEvent, SkipReason } from './log-event.js';
import { isJsonObject, isRejection, reject, type Rejection } from './rejection.js';

const BYTE_ORDER_MARK = 0xfeff;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;

const SKIPS: Readonly<Record<SkipReason, DecodeResult>> = {
  empty_line: Object.freeze({ kind: 'skip', reason: 'empty_line' }),
  not_json: Object.freeze({ kind: 'skip', reason: 'not_json' }),
  not_an_object: Object.freeze({ kind: 'skip', reason: 'not_an_object' }),
  no_category: Object.freeze({ kind: 'skip', reason: 'no_category' }),
};

export function decodeLine(line: string): DecodeResult {
  const hasByteOrderMark = line.charCodeAt(0) === BYTE_ORDER_MARK;
  const start = hasByteOrderMark ? 1 : 0;
  const first = firstNonSpace(line, start);
  if (first === -1) return SKIPS.empty_line;
  const firstChar = line.charCodeAt(first);
  // Plain text (stack traces, library output) is not_json without a parse.
  // Only arrays and strings are parsed to tell not_an_object from not_json;
  // a bare number or literal is indistinguishable from text at this cost.
  if (firstChar !== OPEN_BRACE && firstChar !== OPEN_BRACKET && firstChar !== QUOTE) return SKIPS.not_json;

  const parsed = parseLenientJson(hasByteOrderMark ? line.slice(1) : line);
  if (!parsed.ok) return SKIPS.not_json;
  const record = parsed.value;
  if (!isJsonObject(record)) return SKIPS.not_an_object;

  const category = record.category;
  if (category === undefined || category === null) return SKIPS.no_category;
  if (typeof category !== 'string' || (category !== 'aggregated' && !isEventCategory(category))) {
    return reject('unknown_category', `category ${describeValue(category)} is not known`);
  }
  const lineFields = readLineFields(record);
  if (isRejection(lineFields)) return lineFields;

  const conversions: Conversion[] = [];
  if (hasByteOrderMark) conversions.push('byte_order_mark');
  if (parsed.repaired) conversions.push('non_standard_number');

  if (category === 'aggregated') return decodeAggregated(record, lineFields, conversions);
  const event = decodeEvent(category, lineFields, record, conversions);
  if (isRejection(event)) return event;
  return { kind: 'events', events: [event], conversions };
}

/**
 * Inner events take ids, service and environment from the line (any of their
 * own are ignored) and levelname/name from the line unless they carry their
 * own. The line's own timestamp is not used.
 */
function decodeAggregated(record: JsonObject, lineFields: LineFields, conversions: Conversion[]): DecodeResult {
  const context = record.context;
  if (!isJsonObject(context)) {
    return reject('invalid_context', `aggregated context is ${describeValue(context)}, not an object`);
  }
  const inner = context.events;
  if (!Array.isArray(inner)) {
    return reject('invalid_events', `aggregated context.events is ${describeValue(inner)}, not an array`);
  }
  const events: LogEvent[] = [];
  let rejectedEvents: EventRejection[] | undefined;
  for (let index = 0; index < inner.length; index++) {
    const source = inner[index];
    let rejected: Rejection | undefined;
    if (!isJsonObject(source)) {
      rejected = reject('invalid_events', `event ${index} is ${describeValue(source)}, not an object`);
    } else {
      const category = source.category;
      if (typeof category !== 'string' || !isEventCategory(category)) {
        rejected = reject('unknown_category', `event ${index} category ${describeValue(category)} is not known`);
      } else {
        const event = decodeEvent(category, lineFields, source, conversions);
        if (isRejection(event)) rejected = event;
        else events.push(event);
      }
    }
    if (rejected !== undefined) (rejectedEvents ??= []).push({ index, reason: rejected.reason, detail: rejected.detail });
  }
  return rejectedEvents === undefined
    ? { kind: 'events', events, conversions }
    : { kind: 'events', events, conversions, rejectedEvents };
}

/** Index of the first character that is not JSON whitespace, or -1. */
function firstNonSpace(line: string, start: number): number {
  for (let i = start; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return -1;
}
