/**
 * What each decoder outcome means, for people (conversions: about the field they name): the field a rejection is about
 * and what the decoder expected there, what a skip and a conversion mean.
 * The decoder's rules live in decode-line.ts and its helpers; this table only
 * explains their results (requestflow lint prints it, the README lists it).
 */

import type { Conversion, RejectReason, SkipReason } from './log-event.js';

export const EVENT_CATEGORIES = ['request_start', 'request_end', 'dependency_start', 'dependency_end', 'application'] as const;

interface RejectRule {
  /** The field of a flat line the reason is about. */
  field: string;
  expected: string;
}

const TIMESTAMP = 'seconds since the epoch as a number, e.g. 1764511620.100200';

export const REJECT_RULES: Readonly<Record<RejectReason, RejectRule>> = {
  unknown_category: { field: 'category', expected: `one of ${EVENT_CATEGORIES.join(', ')}, aggregated` },
  missing_tracking_id: { field: 'tracking_id', expected: 'the request id, X-Hulu-Request-Id, as a non-empty string: normally 32 lowercase hex' },
  missing_span_id: { field: 'span_id', expected: 'the span id, X-Hulu-Span-Id, as a non-empty string such as "1.2"' },
  invalid_span_id: { field: 'span_id', expected: 'a dotted decimal path such as "1" or "1.2.3", without empty parts or leading zeros' },
  missing_timestamp: { field: 'timestamp', expected: TIMESTAMP },
  invalid_timestamp: { field: 'timestamp', expected: TIMESTAMP },
  missing_service_name: { field: 'service_name', expected: 'the service name as a non-empty string' },
  missing_dependency_span_id: { field: 'context.dependency_span_id', expected: 'the span id of the call as a string such as "1.2"' },
  invalid_dependency_span_id: { field: 'context.dependency_span_id', expected: 'a dotted decimal path such as "1.2"' },
  invalid_context: { field: 'context', expected: 'an object, or no context at all' },
  invalid_events: { field: 'context.events', expected: 'an array of events, each an object with category, timestamp and context' },
};

/**
 * The field a rejection is about; for an inner event of an aggregated line
 * (eventIndex given) the path inside the line, e.g. "context.events[2].timestamp".
 */
export function rejectionField(reason: RejectReason, eventIndex?: number): string {
  if (eventIndex === undefined) return REJECT_RULES[reason].field;
  const event = `context.events[${eventIndex}]`;
  return reason === 'invalid_events' ? event : `${event}.${REJECT_RULES[reason].field}`;
}

/** What was expected; inner events cannot be aggregated themselves. */
export function rejectionExpected(reason: RejectReason, eventIndex?: number): string {
  if (eventIndex === undefined) return REJECT_RULES[reason].expected;
  if (reason === 'unknown_category') return `one of ${EVENT_CATEGORIES.join(', ')}`;
  if (reason === 'invalid_events') return 'an object with category, timestamp and context';
  return REJECT_RULES[reason].expected;
}

export const SKIP_MEANINGS: Readonly<Record<SkipReason, string>> = {
  empty_line: 'an empty line',
  not_json: 'not JSON',
  not_an_object: 'JSON, but not an object',
  no_category: 'a JSON object without "category"',
};

export const CONVERSION_MEANINGS: Readonly<Record<Conversion, string>> = {
  timestamp_from_string: 'a string; requestflow reads it, the format wants a JSON number',
  timestamp_from_milliseconds: 'in milliseconds; requestflow converts it, the format wants seconds',
  timestamp_from_microseconds: 'in microseconds; requestflow converts it, the format wants seconds',
  non_standard_number: 'NaN or Infinity, which are not JSON; requestflow reads them as null',
  byte_order_mark: 'the line starts with a byte-order mark; requestflow drops it',
};
