/**
 * The fields of a log line that every event on it shares (for an aggregated
 * line, every inner event inherits them): request id, span path, service,
 * level, logger and environment. Missing or unusable ids reject the line.
 */

import { describeValue } from './describe-value.js';
import type { EventBase, JsonObject } from './log-event.js';
import { isJsonObject, reject, type Rejection } from './rejection.js';
import { isSpanPath } from './span-path.js';

export interface LineFields {
  requestId: string;
  spanPath: string;
  service: string;
  level?: string;
  logger?: string;
  environment?: EventBase['environment'];
}

export function readLineFields(record: JsonObject): LineFields | Rejection {
  // Kept as written: turning it into a trace id is the assembler's job.
  const requestId = record.tracking_id;
  if (!isNonBlankString(requestId)) {
    return reject('missing_tracking_id', `tracking_id is ${describeValue(requestId)}`);
  }
  const spanId = record.span_id;
  if (!isNonBlankString(spanId)) {
    return reject('missing_span_id', `span_id is ${describeValue(spanId)}`);
  }
  const spanPath = spanId.trim();
  if (!isSpanPath(spanPath)) {
    return reject('invalid_span_id', `span_id ${describeValue(spanId)} is not a dotted decimal path`);
  }
  const service = record.service_name;
  if (!isNonBlankString(service)) {
    return reject('missing_service_name', `service_name is ${describeValue(service)}`);
  }
  const fields: LineFields = { requestId, spanPath, service };
  const level = record.levelname;
  if (typeof level === 'string') fields.level = level;
  const logger = record.name;
  if (typeof logger === 'string') fields.logger = logger;
  const environment = readEnvironment(record.environment);
  if (environment !== undefined) fields.environment = environment;
  return fields;
}

function readEnvironment(value: unknown): EventBase['environment'] {
  if (!isJsonObject(value)) return undefined;
  const environment: NonNullable<EventBase['environment']> = {};
  if (typeof value.name === 'string') environment.name = value.name;
  if (typeof value.hostname === 'string') environment.hostname = value.hostname;
  if (typeof value.datacenter === 'string') environment.datacenter = value.datacenter;
  return environment;
}

export function isNonBlankString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
