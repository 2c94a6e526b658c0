/**
 * Typed log events: what the decoder produces from one log line and what the
 * span assembler consumes. Three kinds of id are kept apart by name:
 *   requestId  — the X-Hulu-Request-Id as written in the log (any string)
 *   spanPath   — the dotted X-Hulu-Span-Id, e.g. "1.2.3"
 *   traceId / spanId — hex ids for OpenTelemetry and Zipkin (assemble/ids.ts)
 */

export type Category =
  | 'request_start'
  | 'request_end'
  | 'dependency_start'
  | 'dependency_end'
  | 'application';

/** A JSON value from the log, kept as-is (privacy filtering happens at span assembly). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Fields every event has, inherited from the enclosing line for aggregated events. */
export interface EventBase {
  requestId: string;
  spanPath: string;
  service: string;
  /** Whole microseconds since the epoch. */
  timeUs: number;
  /** levelname of the line (aggregated events inherit the enclosing line's). */
  level?: string;
  /** Logger name (`name`). */
  logger?: string;
  /** environment.name, e.g. "prod"; environment.hostname. */
  environment?: { name?: string; hostname?: string; datacenter?: string };
}

export interface RequestStartEvent extends EventBase {
  category: 'request_start';
  method?: string;
  /** url_path, without the query string. */
  path?: string;
  host?: string;
  /** url_full as written (may carry a query string: filtered before export). */
  urlFull?: string;
  /** Query parameters: url_args merged with param. */
  query?: Record<string, Json>;
  /** `headers` or `header`. */
  headers?: Record<string, Json>;
  body?: Json;
}

export interface RequestEndEvent extends EventBase {
  category: 'request_end';
  /** Numeric HTTP status, from r_status or status ("200 OK" or 200); absent when unknown. */
  statusCode?: number;
  /** The status line as written, e.g. "503 Service Unavailable". */
  statusText?: string;
  /** r_headers (object) or headers (list of [name, value] pairs), as an object. */
  headers?: Record<string, Json>;
  body?: Json;
  /** r_exception.msg or exception.msg; absent when null. */
  exceptionMessage?: string;
  /** r_exception.traceback or exception.traceback; absent when null. */
  traceback?: string;
}

export interface DependencyStartEvent extends EventBase {
  category: 'dependency_start';
  /** context.dependency_span_id: the span path of the outgoing call. */
  callSpanPath: string;
  dependencyName?: string;
  functionName?: string;
  args?: Json;
  kwargs?: Json;
}

export interface DependencyEndEvent extends EventBase {
  category: 'dependency_end';
  callSpanPath: string;
  /** true when the call failed; absent when the line does not say. */
  exception?: boolean;
  /** Error text written with exception=true. */
  response?: string;
  dependencyName?: string;
  functionName?: string;
}

export interface ApplicationEvent extends EventBase {
  category: 'application';
  message: string | null;
  /** Structured details, e.g. why a video was blocked. */
  context?: JsonObject;
}

export type LogEvent =
  | RequestStartEvent
  | RequestEndEvent
  | DependencyStartEvent
  | DependencyEndEvent
  | ApplicationEvent;

/** Why a line is not part of any trace (ignored, but counted). */
export type SkipReason =
  | 'empty_line'
  | 'not_json'
  | 'not_an_object'
  | 'no_category';

/** Why a line that looks like a request record could not be used (counted). */
export type RejectReason =
  | 'unknown_category'
  | 'missing_tracking_id'
  | 'missing_span_id'
  | 'invalid_span_id'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'missing_service_name'
  | 'missing_dependency_span_id'
  | 'invalid_dependency_span_id'
  | 'invalid_context'
  | 'invalid_events';

/** A repair the decoder made and counted (the value is kept, not guessed). */
export type Conversion =
  | 'timestamp_from_string'
  | 'timestamp_from_milliseconds'
  | 'timestamp_from_microseconds'
  | 'non_standard_number'
  | 'byte_order_mark';

/** An inner event of an aggregated line that was rejected while the rest of the line was kept. */
export interface EventRejection {
  /** Its position in context.events. */
  index: number;
  reason: RejectReason;
  detail: string;
}

export type DecodeResult =
  | { kind: 'events'; events: LogEvent[]; conversions: Conversion[];
      /** Aggregated events the decoder rejected while keeping the rest of the record. */
      rejectedEvents?: EventRejection[] }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'reject'; reason: RejectReason; detail: string };
