/**
 * Turns request events and application lines into records in the shared log
 * format. Flat mode writes each event at once; aggregated mode keeps a
 * request's events on its RequestState and writes them as one `aggregated`
 * line when the request ends. Application lines are always written at once:
 * aggregated events carry no message or level of their own.
 */
import { microsToSeconds, nowMicros } from './clock.js';
import type { LineOutput } from './line-output.js';
import { MAX_EVENTS_PER_AGGREGATED_LINE, type ResolvedOptions } from './options.js';
import type { RequestState } from './request-context.js';

export type TrackingCategory = 'request_start' | 'request_end' | 'dependency_start' | 'dependency_end';
export type LevelName = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** `name` of the lines this library writes about requests and calls. */
export const TRACKING_LOGGER_NAME = 'requestflow.instrument';

const MESSAGES: Record<TrackingCategory, string | null> = {
  request_start: 'starting request',
  request_end: 'ending request',
  dependency_start: null,
  dependency_end: null,
};
const LEVEL_RANK: Record<string, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

export class EventLog {
  readonly enabled: boolean;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly output: LineOutput,
  ) {
    this.enabled = options.logging;
  }

  /** Record one request or dependency event of `state`. */
  event(state: RequestState, category: TrackingCategory, context: object, level: LevelName = 'INFO', atMicros = nowMicros()): void {
    if (!this.enabled) return;
    const timestamp = microsToSeconds(atMicros);
    const buffered = state.events;
    if (buffered === undefined) {
      this.output.write(this.record(level, TRACKING_LOGGER_NAME, MESSAGES[category], category, state, timestamp, context));
      return;
    }
    buffered.push({ category, timestamp, context });
    if (state.eventsLevel === undefined || LEVEL_RANK[level] > LEVEL_RANK[state.eventsLevel]) state.eventsLevel = level;
    if (buffered.length >= MAX_EVENTS_PER_AGGREGATED_LINE) this.flush(state, 'request events (part)');
  }

  /** The request has ended: write its aggregated line; later events (late callbacks) go out flat. */
  endRequest(state: RequestState): void {
    if (state.events === undefined) return;
    if (this.enabled) this.flush(state, 'completed request');
    state.events = undefined;
  }

  /** An application line; without a request it carries no ids and no category (requestflow ignores it). */
  application(state: RequestState | undefined, level: LevelName, name: string, message: string, context?: object): void {
    if (!this.enabled) return;
    const category = state === undefined ? undefined : 'application';
    this.output.write(this.record(level, name, message, category, state, microsToSeconds(nowMicros()), context));
  }

  private flush(state: RequestState, message: string): void {
    const events = state.events!;
    if (events.length === 0) return;
    const last = events[events.length - 1].timestamp;
    this.output.write(this.record(state.eventsLevel ?? 'INFO', TRACKING_LOGGER_NAME, message, 'aggregated', state, last, { events }));
    state.events = [];
    state.eventsLevel = undefined;
  }

  // Field order follows the services' existing lines; undefined fields are left out by JSON.stringify.
  private record(
    levelname: string,
    name: string,
    message: string | null,
    category: string | undefined,
    state: RequestState | undefined,
    timestamp: number,
    context: object | undefined,
  ) {
    return {
      process: process.pid,
      levelname,
      name,
      message,
      category,
      service_name: this.options.serviceName,
      human_timestamp: new Date(timestamp * 1000).toISOString(),
      tracking_id: state?.requestId,
      timestamp,
      span_id: state?.spanPath,
      context,
      environment: this.options.environment,
    };
  }
}
