/**
 * Header handling: dropping sensitive headers (and query parameters) before
 * they are logged, and putting the two propagation headers on outgoing calls
 * without ever sending one twice.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER, REQUEST_ID_HEADER_LC, SPAN_ID_HEADER, SPAN_ID_HEADER_LC } from './ids.js';

// Names that carry credentials: cookies, Authorization and its kin, API keys,
// tokens, sessions, signatures. Broad on purpose: a header left out of the
// log costs a little context; one logged wrongly leaks a credential. The
// sidecar's privacy.sensitiveNamePattern covers the same words.
const SENSITIVE_PATTERN = /token|secret|passw|pwd|session|auth|cookie|credential|signature|sig$|api[-_]?key|^key$|private/i;

// Header names repeat from request to request: remember the answer (bounded,
// so a client sending random names cannot grow it).
const MAX_REMEMBERED_NAMES = 1024;
const remembered = new Map<string, boolean>();

/** True for header or parameter names whose values must never be logged. */
export function isSensitiveName(name: string): boolean {
  let sensitive = remembered.get(name);
  if (sensitive === undefined) {
    sensitive = SENSITIVE_PATTERN.test(name);
    if (remembered.size < MAX_REMEMBERED_NAMES) remembered.set(name, sensitive);
  }
  return sensitive;
}

export type LoggedHeaders = Record<string, string | string[]>;

/** A copy of the headers without the sensitive ones; numbers become strings. */
export function redactHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): LoggedHeaders {
  const out: LoggedHeaders = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || isSensitiveName(name)) continue;
    out[name] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

function isPropagationName(name: string): boolean {
  const lc = name.toLowerCase();
  return lc === REQUEST_ID_HEADER_LC || lc === SPAN_ID_HEADER_LC;
}

/**
 * node:http request headers (object, or flat [name, value, ...] list) with any
 * caller-supplied X-Hulu-Request-Id / X-Hulu-Span-Id replaced by ours.
 * The caller's object is not modified.
 */
export function withPropagation(
  headers: OutgoingHttpHeaders | readonly string[] | undefined,
  requestId: string,
  spanPath: string,
): OutgoingHttpHeaders | string[] {
  if (Array.isArray(headers)) {
    const out: string[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!isPropagationName(headers[i])) out.push(headers[i], headers[i + 1]);
    }
    out.push(REQUEST_ID_HEADER, requestId, SPAN_ID_HEADER, spanPath);
    return out;
  }
  const out: OutgoingHttpHeaders = {};
  if (headers) {
    for (const name of Object.keys(headers)) {
      if (!isPropagationName(name)) out[name] = (headers as OutgoingHttpHeaders)[name];
    }
  }
  out[REQUEST_ID_HEADER] = requestId;
  out[SPAN_ID_HEADER] = spanPath;
  return out;
}

/** fetch headers with the propagation headers set (Headers.set replaces case-insensitively). */
export function fetchHeadersWithPropagation(
  headers: HeadersInit | undefined,
  requestId: string,
  spanPath: string,
): Headers {
  const out = new Headers(headers);
  out.set(REQUEST_ID_HEADER, requestId);
  out.set(SPAN_ID_HEADER, spanPath);
  return out;
}
