/**
 * Incoming requests: reads the id headers, runs the app inside the request's
 * context, echoes X-Hulu-Request-Id on the response, and records
 * request_start / request_end.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { hasRequestBody, parsedBodyForLog, tapRequestBody, tapResponseBody } from './body-capture.js';
import { nowMicros } from './clock.js';
import { NO_EXCEPTION } from './errors.js';
import type { EventLog } from './event-log.js';
import { isSensitiveName, redactHeaders } from './headers.js';
import { REQUEST_ID_HEADER, REQUEST_ID_HEADER_LC, SPAN_ID_HEADER_LC, newRequestId, normaliseRequestId, spanPathOrRoot } from './ids.js';
import type { ResolvedOptions } from './options.js';
import { RequestState } from './request-context.js';

/** A node:http request listener; it may return a promise (its rejection fails the request). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;
/** Express/Connect-style middleware. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Marks a request already instrumented (middleware mounted twice, or middleware inside wrapServer). */
const STATE = Symbol('requestflow.instrument.state');
type Instrumented = IncomingMessage & { [STATE]?: RequestState; originalUrl?: string; body?: unknown };

const ABORTED = Object.freeze({ msg: 'connection closed before the response was complete', traceback: null });

export interface ServerSide {
  middleware: Middleware;
  wrapServer(handler: RequestHandler): (req: IncomingMessage, res: ServerResponse) => void;
}

export function createServerSide(store: AsyncLocalStorage<RequestState>, log: EventLog, options: ResolvedOptions): ServerSide {
  const aggregated = options.mode === 'aggregated';

  function begin(req: Instrumented, res: ServerResponse): RequestState {
    const startUs = nowMicros();
    const requestId = normaliseRequestId(req.headers[REQUEST_ID_HEADER_LC]) ?? newRequestId();
    const state = new RequestState(requestId, spanPathOrRoot(req.headers[SPAN_ID_HEADER_LC]), aggregated && log.enabled);
    req[STATE] = state;
    if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, requestId);
    runListenersInContext(req, store, state);
    if (log.enabled) recordRequest(req, res, state, startUs);
    return state;
  }

  function recordRequest(req: Instrumented, res: ServerResponse, state: RequestState, startUs: number): void {
    const startContext: Record<string, unknown> = urlContext(req);
    startContext.http_method = req.method;
    startContext.headers = redactHeaders(req.headers);
    const emitStart = () => log.event(state, 'request_start', startContext, 'INFO', startUs);

    let startPending = false;
    let partialBody: (() => unknown) | undefined;
    let responseBody: (() => string) | undefined;
    if (options.logBodies) {
      responseBody = tapResponseBody(res);
      if (req.body !== undefined) startContext.body = parsedBodyForLog(req.body);
      else if (hasRequestBody(req)) {
        // Flat mode cannot write request_start before the body is known; aggregated
        // mode writes the buffered context object only at the end, so it fills in later.
        startPending = state.events === undefined;
        partialBody = tapRequestBody(req, (body) => {
          startContext.body = body;
          partialBody = undefined;
          if (startPending) {
            startPending = false;
            emitStart();
          }
        });
      }
    }
    if (!startPending) emitStart();

    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (partialBody !== undefined) startContext.body = partialBody();
      if (startPending) emitStart();
      const complete = res.writableFinished;
      const endContext: Record<string, unknown> = {};
      if (res.headersSent) endContext.r_status = statusLine(res);
      endContext.r_headers = redactHeaders(res.getHeaders());
      if (responseBody !== undefined) endContext.r_body = responseBody();
      const exception = state.error ?? (complete ? NO_EXCEPTION : ABORTED);
      endContext.r_exception = exception;
      log.event(state, 'request_end', endContext, exception.msg === null ? 'INFO' : 'ERROR');
      log.endRequest(state);
    };
    res.once('finish', end);
    res.once('close', end);
  }

  const middleware: Middleware = (req: Instrumented, res, next) => {
    if (req[STATE] !== undefined) return next();
    const state = begin(req, res);
    try {
      store.run(state, next);
    } catch (err) {
      state.markError(err);
      throw err;
    }
  };

  function wrapServer(handler: RequestHandler) {
    return (req: Instrumented, res: ServerResponse): void => {
      const state = req[STATE] ?? begin(req, res);
      const fail = (err: unknown) => {
        state.markError(err);
        if (res.writableEnded) return;
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end('Internal Server Error');
      };
      store.run(state, () => {
        let result: unknown;
        try {
          result = handler(req, res);
        } catch (err) {
          fail(err);
          return;
        }
        if (result !== null && typeof (result as Promise<unknown>)?.then === 'function') {
          (result as Promise<unknown>).then(undefined, fail);
        }
      });
    };
  }

  return { middleware, wrapServer };
}

/**
 * Listeners on `req` (body 'data'/'end', as body parsers use) are called from
 * the socket's context, not the one they were added in; run them in the request's.
 */
function runListenersInContext(req: IncomingMessage, store: AsyncLocalStorage<RequestState>, state: RequestState): void {
  const emit = req.emit;
  req.emit = function (this: IncomingMessage, ...args: unknown[]): boolean {
    return store.run(state, Reflect.apply, emit, this, args) as boolean;
  } as IncomingMessage['emit'];
}

/** "200 OK": the status code and its reason phrase. */
function statusLine(res: ServerResponse): string {
  const reason = res.statusMessage || STATUS_CODES[res.statusCode] || '';
  return reason === '' ? String(res.statusCode) : `${res.statusCode} ${reason}`;
}

/** url_full, url_host, url_path, url_args, without query parameters whose names are sensitive. */
function urlContext(req: Instrumented): Record<string, unknown> {
  const raw = req.originalUrl ?? req.url ?? '/';
  const host = req.headers.host ?? 'localhost';
  // An absolute URL as the request target (sent to proxies) is the rare case.
  if (!raw.startsWith('/')) return absoluteUrlContext(raw, host);
  const scheme = (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  // Concatenation, not new URL(raw, base): a path such as "//x" must not become a host.
  const origin = `${scheme}://${host}`;
  const q = raw.indexOf('?');
  if (q < 0) return { url_full: origin + raw, url_host: host, url_path: raw, url_args: {} };
  const path = raw.slice(0, q);
  const { args, query } = queryArgs(raw.slice(q + 1));
  return { url_full: query === '' ? origin + path : `${origin}${path}?${query}`, url_host: host, url_path: path, url_args: args };
}

/** Query parameters as url_args, and the query string to log, both without sensitive names. */
function queryArgs(queryString: string): { args: Record<string, string | string[]>; query: string } {
  const params = new URLSearchParams(queryString);
  const args: Record<string, string | string[]> = {};
  let removed = false;
  for (const [name, value] of params) {
    if (isSensitiveName(name)) {
      removed = true;
      continue;
    }
    const prev = args[name];
    args[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (!removed) return { args, query: queryString };
  for (const name of [...params.keys()]) if (isSensitiveName(name)) params.delete(name);
  return { args, query: params.toString() };
}

function absoluteUrlContext(raw: string, host: string): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const q = raw.indexOf('?');
    return { url_full: q < 0 ? raw : raw.slice(0, q), url_host: host, url_path: q < 0 ? raw : raw.slice(0, q), url_args: {} };
  }
  const { args, query } = queryArgs(url.search.slice(1));
  url.search = query;
  return { url_full: url.href, url_host: url.host, url_path: url.pathname, url_args: args };
}
