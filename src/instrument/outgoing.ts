/**
 * Outgoing calls: each gets the next child span path of the current request,
 * carries both id headers (also with logging off), and is recorded as
 * dependency_start / dependency_end. Outside a request nothing is added: the
 * callee starts its own trace.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import * as http from 'node:http';
import * as https from 'node:https';
import { errorText } from './errors.js';
import type { EventLog } from './event-log.js';
import { fetchHeadersWithPropagation, withPropagation } from './headers.js';
import { REQUEST_ID_HEADER, SPAN_ID_HEADER } from './ids.js';
import type { ResolvedOptions } from './options.js';
import type { RequestState } from './request-context.js';

/** What a traced function gets to pass the ids on itself (e.g. as gRPC metadata or a message attribute). */
export interface OutgoingCall {
  readonly requestId: string;
  /** The child span path of this call, e.g. "1.3". */
  readonly spanPath: string;
  /** Both propagation headers, ready to send. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface TraceOptions {
  /** `function_name` in the log, e.g. "get" or "SELECT users". */
  functionName: string;
  /** Positional arguments; logged only with logArgs. */
  args?: unknown[];
  /** Named arguments; logged only with logArgs. */
  kwargs?: Record<string, unknown>;
}

export type RequestCallback = (res: http.IncomingMessage) => void;

export interface OutgoingSide {
  fetch(dependencyName: string, input: string | URL | Request, init?: RequestInit): Promise<Response>;
  request(dependencyName: string, url: string | URL, options?: http.RequestOptions, callback?: RequestCallback): http.ClientRequest;
  request(dependencyName: string, url: string | URL, callback?: RequestCallback): http.ClientRequest;
  request(dependencyName: string, options: http.RequestOptions, callback?: RequestCallback): http.ClientRequest;
  traceDependency<T>(dependencyName: string, fn: (call: OutgoingCall | undefined) => T | Promise<T>, options: TraceOptions): Promise<T>;
}

/** Ends a recorded call once: `failure` is the error text, undefined when the call went fine. */
type EndCall = (failure?: string) => void;

export function createOutgoingSide(store: AsyncLocalStorage<RequestState>, log: EventLog, options: ResolvedOptions): OutgoingSide {
  function begin(state: RequestState, dependencyName: string, functionName: string, args?: unknown[], kwargs?: object): { spanPath: string; end: EndCall } {
    const spanPath = state.nextChild();
    if (!log.enabled) return { spanPath, end: () => {} };
    const start: Record<string, unknown> = { dependency_span_id: spanPath, dependency_name: dependencyName, function_name: functionName };
    if (options.logArgs) {
      start.args = args ?? [];
      start.kwargs = kwargs ?? {};
    }
    log.event(state, 'dependency_start', start);
    let ended = false;
    const end: EndCall = (failure) => {
      if (ended) return;
      ended = true;
      const context: Record<string, unknown> = {
        dependency_span_id: spanPath,
        dependency_name: dependencyName,
        function_name: functionName,
        exception: failure !== undefined,
      };
      if (failure !== undefined) context.response = failure;
      log.event(state, 'dependency_end', context, failure === undefined ? 'INFO' : 'WARNING');
    };
    return { spanPath, end };
  }

  async function tracedFetch(dependencyName: string, input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const state = store.getStore();
    if (state === undefined) return fetch(input, init);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const call = begin(state, dependencyName, 'fetch', options.logArgs ? [method, urlForLog(input)] : undefined);
    // init.headers replaces a Request's own headers in fetch(), so start from whichever fetch would use.
    const headers = fetchHeadersWithPropagation(init?.headers ?? (input instanceof Request ? input.headers : undefined), state.requestId, call.spanPath);
    let response: Response;
    try {
      response = await fetch(input, { ...init, headers });
    } catch (err) {
      call.end(errorText(err));
      throw err;
    }
    call.end(response.status >= 500 ? `${response.status} ${response.statusText}`.trimEnd() : undefined);
    return response;
  }

  function tracedRequest(
    dependencyName: string,
    a: string | URL | http.RequestOptions,
    b?: http.RequestOptions | RequestCallback,
    c?: RequestCallback,
  ): http.ClientRequest {
    const url = typeof a === 'string' || a instanceof URL ? a : undefined;
    const given = url === undefined ? (a as http.RequestOptions) : typeof b === 'object' ? b : undefined;
    const opts: http.RequestOptions = given ?? {};
    const callback = typeof b === 'function' ? b : c;
    const protocol = opts.protocol ?? (url === undefined ? 'http:' : new URL(url).protocol);
    const send = protocol === 'https:' ? https.request : http.request;
    const state = store.getStore();
    if (state === undefined) return url === undefined ? send(opts, callback) : send(url, opts, callback);

    const method = (opts.method ?? 'GET').toUpperCase();
    const call = begin(state, dependencyName, 'http.request', options.logArgs ? [method, urlForLog(url ?? optionsUrl(opts, protocol))] : undefined);
    const withIds = { ...opts, headers: withPropagation(opts.headers, state.requestId, call.spanPath) };
    let req: http.ClientRequest;
    try {
      req = url === undefined ? send(withIds, callback) : send(url, withIds, callback);
    } catch (err) {
      call.end(errorText(err));
      throw err;
    }
    let answered = false;
    req.once('response', (res: http.IncomingMessage) => {
      answered = true;
      const status = res.statusCode ?? 0;
      call.end(status >= 500 ? `${status} ${res.statusMessage ?? ''}`.trimEnd() : undefined);
    });
    req.once('error', (err) => call.end(errorText(err)));
    req.once('close', () => {
      if (!answered) call.end('request closed before a response arrived');
    });
    return req;
  }

  async function traceDependency<T>(dependencyName: string, fn: (call: OutgoingCall | undefined) => T | Promise<T>, opts: TraceOptions): Promise<T> {
    const state = store.getStore();
    if (state === undefined) return fn(undefined);
    const call = begin(state, dependencyName, opts.functionName, opts.args, opts.kwargs);
    const info: OutgoingCall = {
      requestId: state.requestId,
      spanPath: call.spanPath,
      headers: { [REQUEST_ID_HEADER]: state.requestId, [SPAN_ID_HEADER]: call.spanPath },
    };
    try {
      const result = await fn(info);
      call.end();
      return result;
    } catch (err) {
      call.end(errorText(err));
      throw err;
    }
  }

  return { fetch: tracedFetch, request: tracedRequest as OutgoingSide['request'], traceDependency };
}

/** The URL without its query string (which may hold tokens), for args under logArgs. */
function urlForLog(input: string | URL | Request): string {
  const href = input instanceof Request ? input.url : String(input);
  const q = href.indexOf('?');
  return q < 0 ? href : href.slice(0, q);
}

function optionsUrl(opts: http.RequestOptions, protocol: string): string {
  const host = opts.hostname ?? opts.host ?? 'localhost';
  const port = opts.port === undefined ? '' : `:${opts.port}`;
  return `${protocol}//${host}${port}${opts.path ?? '/'}`;
}
