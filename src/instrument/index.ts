/**
 * requestflow/instrument: instrumentation for Node.js services, with no
 * dependencies beyond node: built-ins. It reads and passes on
 * X-Hulu-Request-Id / X-Hulu-Span-Id, keeps them in an AsyncLocalStorage for
 * the request's async work, and writes request, dependency and application
 * events as JSON lines in the format requestflow reads
 * (request_start/request_end, dependency_start/dependency_end, application,
 * or one `aggregated` line per request).
 *
 *   const rf = createInstrumentation({ serviceName: 'catalog' });
 *   http.createServer(rf.wrapServer(async (req, res) => {
 *     const r = await rf.fetch('pricing', 'http://pricing.internal/price');
 *     rf.log.info('priced', { status: r.status });
 *     res.end('ok');
 *   }));
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventLog } from './event-log.js';
import { LineOutput, type OutputStats } from './line-output.js';
import { createLogger, type Logger } from './logger.js';
import { resolveOptions, type InstrumentationOptions } from './options.js';
import { createOutgoingSide, type OutgoingSide } from './outgoing.js';
import type { RequestContext, RequestState } from './request-context.js';
import { createServerSide, type Middleware, type RequestHandler } from './server.js';

export type { InstrumentationOptions, EnvironmentInfo, LogLevel, OutputMode } from './options.js';
export type { RequestContext } from './request-context.js';
export type { Logger, LogContext } from './logger.js';
export type { OutgoingCall, TraceOptions, RequestCallback } from './outgoing.js';
export type { Middleware, RequestHandler } from './server.js';
export type { OutputStats } from './line-output.js';
export { REQUEST_ID_HEADER, SPAN_ID_HEADER } from './ids.js';

export interface Instrumentation {
  /**
   * Express/Connect middleware; mount it first. Errors handled by the
   * framework's error handler are not seen: call markError(err) there.
   */
  middleware: Middleware;
  /**
   * Wraps a node:http request listener. A throw or rejected promise marks the
   * request failed and is answered with 500 (or the socket is closed if the
   * response had started); it is not rethrown.
   */
  wrapServer(handler: RequestHandler): RequestHandler;
  /**
   * fetch() to a dependency. The call gets the next child span path; a 5xx
   * response or a rejection is logged as exception=true. The call ends when
   * the response headers arrive.
   */
  fetch: OutgoingSide['fetch'];
  /** http.request / https.request (by protocol) to a dependency; same as fetch. */
  request: OutgoingSide['request'];
  /**
   * Any other dependency (database, cache, queue): runs fn, logging it as a
   * call to `dependencyName`; a throw or rejection is exception=true and is
   * rethrown. fn gets the call's ids to pass on, or undefined outside a request.
   */
  traceDependency: OutgoingSide['traceDependency'];
  /** Application log lines carrying the current request's ids. */
  log: Logger;
  /** The request being served by the calling code, or undefined outside a request. */
  currentContext(): RequestContext | undefined;
  /** Marks the current request failed (request_end r_exception); no-op outside a request. */
  markError(err: unknown): void;
  /** Counters of the output: lines written, lines dropped while the output was backed up. */
  stats(): OutputStats;
}

/** Build the instrumentation of one service; options are checked here (TypeError) and then frozen. */
export function createInstrumentation(options: InstrumentationOptions): Instrumentation {
  const resolved = resolveOptions(options);
  const store = new AsyncLocalStorage<RequestState>();
  const output = new LineOutput(resolved.output);
  const events = new EventLog(resolved, output);
  const server = createServerSide(store, events, resolved);
  const outgoing = createOutgoingSide(store, events, resolved);
  return Object.freeze({
    middleware: server.middleware,
    wrapServer: server.wrapServer,
    fetch: outgoing.fetch,
    request: outgoing.request,
    traceDependency: outgoing.traceDependency,
    log: createLogger(store, events, resolved),
    currentContext: (): RequestContext | undefined => store.getStore(),
    markError: (err: unknown) => store.getStore()?.markError(err),
    stats: (): OutputStats => ({ ...output.stats }),
  });
}
