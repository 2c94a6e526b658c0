/**
 * One event record (a flat line, or one entry of an aggregated line's
 * context.events) -> a typed LogEvent, given the line's shared fields.
 * Rejects a missing or implausible timestamp and a context that is not an
 * object; the category must already be known to be an event category.
 */

import {
  applicationEvent,
  dependencyEndEvent,
  dependencyStartEvent,
  requestEndEvent,
  requestStartEvent,
} from './context-fields.js';
import { describeValue } from './describe-value.js';
import type { Category, Conversion, JsonObject, LogEvent } from './log-event.js';
import type { LineFields } from './line-fields.js';
import { isJsonObject, isRejection, reject, type Rejection } from './rejection.js';
import { toTimeUs } from './timestamp.js';

export function isEventCategory(value: string): value is Category {
  switch (value) {
    case 'request_start':
    case 'request_end':
    case 'dependency_start':
    case 'dependency_end':
    case 'application':
      return true;
    default:
      return false;
  }
}

/**
 * `source` is the record holding timestamp, context, message and optionally
 * its own levelname/name (which win over the line's). Conversions made are
 * appended to `conversions` only when the event is kept.
 */
export function decodeEvent(
  category: Category,
  line: LineFields,
  source: JsonObject,
  conversions: Conversion[],
): LogEvent | Rejection {
  const time = toTimeUs(source.timestamp);
  if (!time.ok) return reject(time.reason, time.detail);
  const rawContext = source.context;
  let context: JsonObject | undefined;
  if (isJsonObject(rawContext)) context = rawContext;
  else if (rawContext !== undefined && rawContext !== null) {
    return reject('invalid_context', `${category} context is ${describeValue(rawContext)}, not an object`);
  }

  // The event is built in place: its category's fields are added to this object.
  const event = { category, requestId: line.requestId, spanPath: line.spanPath, service: line.service, timeUs: time.timeUs } as LogEvent;
  const level = typeof source.levelname === 'string' ? source.levelname : line.level;
  if (level !== undefined) event.level = level;
  const logger = typeof source.name === 'string' ? source.name : line.logger;
  if (logger !== undefined) event.logger = logger;
  if (line.environment !== undefined) event.environment = line.environment;

  let result: LogEvent | Rejection;
  switch (event.category) {
    case 'request_start': result = requestStartEvent(event, context); break;
    case 'request_end': result = requestEndEvent(event, context); break;
    case 'dependency_start': result = dependencyStartEvent(event, context); break;
    case 'dependency_end': result = dependencyEndEvent(event, context); break;
    case 'application': result = applicationEvent(event, context, source.message); break;
  }
  if (isRejection(result)) return result;
  if (time.fromString) conversions.push('timestamp_from_string');
  if (time.unit === 'ms') conversions.push('timestamp_from_milliseconds');
  else if (time.unit === 'us') conversions.push('timestamp_from_microseconds');
  return result;
}
