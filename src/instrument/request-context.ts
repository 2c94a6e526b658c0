/**
 * The per-request state that follows a request through async code via
 * AsyncLocalStorage: its ids, the counter for child span paths, the error the
 * app marked, and (aggregated mode) the events waiting to be written.
 */
import { describeError, type ExceptionInfo } from './errors.js';

/** What application code sees of the request being served. */
export interface RequestContext {
  /** The X-Hulu-Request-Id of the request (32 lowercase hex). */
  readonly requestId: string;
  /** This service's span path (the X-Hulu-Span-Id received, or "1"). */
  readonly spanPath: string;
  /**
   * Reserve the next child span path ("1.1", "1.2", ...) for an outgoing call
   * made by hand; the traced fetch/request/traceDependency call it for you.
   */
  nextChild(): string;
  /** Record the request as failed (r_exception of request_end); the first error marked wins. */
  markError(err: unknown): void;
}

/** One event inside an aggregated line. */
export interface BufferedEvent {
  category: string;
  timestamp: number;
  context: object;
}

export class RequestState implements RequestContext {
  private children = 0;
  error: ExceptionInfo | undefined;
  /** Aggregated mode: events not yet written; undefined in flat mode and once the request has ended. */
  events: BufferedEvent[] | undefined;
  /** Highest level among the buffered events, for the aggregated line's levelname. */
  eventsLevel: string | undefined;

  constructor(
    readonly requestId: string,
    readonly spanPath: string,
    aggregated: boolean,
  ) {
    this.events = aggregated ? [] : undefined;
  }

  nextChild(): string {
    this.children += 1;
    return `${this.spanPath}.${this.children}`;
  }

  markError(err: unknown): void {
    if (this.error === undefined) this.error = describeError(err);
  }
}
