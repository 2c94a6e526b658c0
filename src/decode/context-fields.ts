/**
 * One event's `context` -> the typed fields of its category. Field spellings
 * that vary between services are unified here (headers/header,
 * url_args+param, r_status/status, r_exception/exception, ...). Fields of an
 * unexpected type are left out; only a dependency without a usable
 * dependency_span_id rejects the event, since the call cannot be placed.
 * Each function completes the event it is given (its shared fields and
 * category already set) in place: one object per event.
 */

import { describeValue } from './describe-value.js';
import { httpStatusCode } from './http-status.js';
import type {
  ApplicationEvent,
  DependencyEndEvent,
  DependencyStartEvent,
  Json,
  JsonObject,
  RequestEndEvent,
  RequestStartEvent,
} from './log-event.js';
import { isJsonObject, reject, type Rejection } from './rejection.js';
import { isSpanPath } from './span-path.js';
import { tracebackLines, tracebackMessage } from './traceback.js';

export function requestStartEvent(event: RequestStartEvent, context: JsonObject | undefined): RequestStartEvent {
  if (context === undefined) return event;
  if (typeof context.http_method === 'string') event.method = context.http_method;
  // Without any query string: its values (tokens) go only where the query allow-list lets them.
  if (typeof context.url_path === 'string') event.path = withoutQuery(context.url_path);
  if (typeof context.url_host === 'string') event.host = context.url_host;
  if (typeof context.url_full === 'string') event.urlFull = context.url_full;
  const query = mergeQuery(context.url_args, context.param);
  if (query !== undefined) event.query = query;
  const headers = headerObject(context.headers) ?? headerObject(context.header);
  if (headers !== undefined) event.headers = headers;
  if (context.body !== undefined) event.body = context.body;
  return event;
}

export function requestEndEvent(event: RequestEndEvent, context: JsonObject | undefined): RequestEndEvent {
  if (context === undefined) return event;
  const status = context.r_status ?? context.status;
  const statusCode = httpStatusCode(status);
  if (statusCode !== undefined) event.statusCode = statusCode;
  if (typeof status === 'string') event.statusText = status;
  const headers = headerObject(context.r_headers) ?? headerObject(context.headers);
  if (headers !== undefined) event.headers = headers;
  const body = context.r_body !== undefined ? context.r_body : context.body;
  if (body !== undefined) event.body = body;
  const exception = context.r_exception ?? context.exception;
  if (typeof exception === 'string') {
    // A traceback written as the exception: one of its lines names the error.
    if (tracebackLines(exception).length > 1) {
      event.traceback = exception;
      event.exceptionMessage = tracebackMessage(exception);
    } else {
      event.exceptionMessage = exception;
    }
  } else if (isJsonObject(exception)) {
    if (typeof exception.msg === 'string') event.exceptionMessage = exception.msg;
    if (typeof exception.traceback === 'string') event.traceback = exception.traceback;
  }
  return event;
}

export function dependencyStartEvent(event: DependencyStartEvent, context: JsonObject | undefined): DependencyStartEvent | Rejection {
  const callSpanPath = readCallSpanPath(context);
  if (typeof callSpanPath !== 'string') return callSpanPath;
  event.callSpanPath = callSpanPath;
  const ctx = context as JsonObject;
  if (typeof ctx.dependency_name === 'string') event.dependencyName = ctx.dependency_name;
  if (typeof ctx.function_name === 'string') event.functionName = ctx.function_name;
  if (ctx.args !== undefined) event.args = ctx.args;
  if (ctx.kwargs !== undefined) event.kwargs = ctx.kwargs;
  return event;
}

export function dependencyEndEvent(event: DependencyEndEvent, context: JsonObject | undefined): DependencyEndEvent | Rejection {
  const callSpanPath = readCallSpanPath(context);
  if (typeof callSpanPath !== 'string') return callSpanPath;
  event.callSpanPath = callSpanPath;
  const ctx = context as JsonObject;
  if (typeof ctx.exception === 'boolean') event.exception = ctx.exception;
  if (typeof ctx.response === 'string') event.response = ctx.response;
  if (typeof ctx.dependency_name === 'string') event.dependencyName = ctx.dependency_name;
  if (typeof ctx.function_name === 'string') event.functionName = ctx.function_name;
  return event;
}

/** A message that is not a string (or absent) is recorded as null. */
export function applicationEvent(event: ApplicationEvent, context: JsonObject | undefined, message: unknown): ApplicationEvent {
  event.message = typeof message === 'string' ? message : null;
  if (context !== undefined) event.context = context;
  return event;
}

function readCallSpanPath(context: JsonObject | undefined): string | Rejection {
  const value = context?.dependency_span_id;
  if (typeof value !== 'string' || value.trim().length === 0) {
    return reject('missing_dependency_span_id', `dependency_span_id is ${describeValue(value)}`);
  }
  const callSpanPath = value.trim();
  if (!isSpanPath(callSpanPath)) {
    return reject('invalid_dependency_span_id', `dependency_span_id ${describeValue(value)} is not a dotted decimal path`);
  }
  return callSpanPath;
}

function withoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

/** url_args and param together; param wins on a clash (it is the more specific spelling). */
function mergeQuery(urlArgs: Json | undefined, param: Json | undefined): Record<string, Json> | undefined {
  const fromUrl = isJsonObject(urlArgs) ? urlArgs : undefined;
  const fromParam = isJsonObject(param) ? param : undefined;
  if (fromUrl === undefined) return fromParam;
  if (fromParam === undefined) return fromUrl;
  return { ...fromUrl, ...fromParam };
}

/**
 * Headers as an object: an object is kept as it is; a list of [name, value]
 * pairs becomes one (malformed pairs left out), repeated names joined with
 * ", " as HTTP allows. Anything else gives undefined.
 */
function headerObject(value: Json | undefined): Record<string, Json> | undefined {
  if (isJsonObject(value)) return value;
  if (!Array.isArray(value)) return undefined;
  const headers: Record<string, Json> = {};
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length < 2 || typeof pair[0] !== 'string') continue;
    const name = pair[0];
    const previous = Object.prototype.hasOwnProperty.call(headers, name) ? headers[name] : undefined;
    const headerValue =
      typeof previous === 'string' && typeof pair[1] === 'string' ? `${previous}, ${pair[1]}` : pair[1];
    // defineProperty: a header named "__proto__" must stay a plain own key.
    Object.defineProperty(headers, name, { value: headerValue, enumerable: true, writable: true, configurable: true });
  }
  return headers;
}
