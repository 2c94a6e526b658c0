/**
 * Turns request events and application lines into records in the shared log
 * format. Flat mode writes each event at once; aggregated mode keeps a
 * request's events on its RequestState and writes them as one `aggregated`
 * line when the request ends. Application lines are always written at once:
 * aggregated events carry no message or level of their own.
 */
import { microsToSeconds, nowMicros } from './clock.js';
import { unserializableContext, type LineOutput } from './line-output.js';
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
  /** `environment` is the same on every line: its JSON is made once. */
  private readonly environmentJson: string | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly output: LineOutput,
  ) {
    this.enabled = options.logging;
    this.environmentJson = options.environment === undefined ? undefined : JSON.stringify(options.environment);
  }

  /** Record one request or dependency event of `state`. */
  event(state: RequestState, category: TrackingCategory, context: object, level: LevelName = 'INFO', atMicros = nowMicros()): void {
    if (!this.enabled) return;
    const timestamp = microsToSeconds(atMicros);
    const buffered = state.events;
    if (buffered === undefined) {
      this.output.writeLine(this.line(level, TRACKING_LOGGER_NAME, MESSAGES[category], category, state, timestamp, context));
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
    this.output.writeLine(this.line(level, name, message, category, state, microsToSeconds(nowMicros()), context));
  }

  private flush(state: RequestState, message: string): void {
    const events = state.events!;
    if (events.length === 0) return;
    const last = events[events.length - 1].timestamp;
    this.output.writeLine(this.line(state.eventsLevel ?? 'INFO', TRACKING_LOGGER_NAME, message, 'aggregated', state, last, { events }));
    state.events = [];
    state.eventsLevel = undefined;
  }

  /**
   * One line as JSON, in the field order of the services' existing lines;
   * absent fields are left out, as JSON.stringify leaves out undefined ones.
   * Built as text around one JSON.stringify of the context: the fields
   * before it repeat from line to line (their JSON is made once), the ids are
   * validated hex and dotted digits, and the time is a number.
   */
  private line(
    levelname: string,
    name: string,
    message: string | null,
    category: string | undefined,
    state: RequestState | undefined,
    timestamp: number,
    context: object | undefined,
  ): string {
    let s = this.head(levelname, name, message, category);
    s += `,"human_timestamp":"${isoTime(timestamp)}"`;
    if (state !== undefined) s += `,"tracking_id":"${state.requestId}"`;
    s += `,"timestamp":${JSON.stringify(timestamp)}`;
    if (state !== undefined) s += `,"span_id":"${state.spanPath}"`;
    if (context !== undefined) {
      let json: string | undefined;
      try {
        json = JSON.stringify(context);
      } catch (err) {
        // A circular or BigInt value in an app-supplied context must not cost the line.
        json = JSON.stringify(unserializableContext(err));
      }
      if (json !== undefined) s += `,"context":${json}`;
    }
    if (this.environmentJson !== undefined) s += `,"environment":${this.environmentJson}`;
    return `${s}}`;
  }

  private readonly heads = new Map<string, string>();

  /** `{"process":..,"levelname":..,"name":..,"message":..,"category":..,"service_name":..` (without the closing brace). */
  private head(levelname: string, name: string, message: string | null, category: string | undefined): string {
    const tracking = name === TRACKING_LOGGER_NAME;
    const key = tracking ? `${levelname}\u0000${message}\u0000${category}` : undefined;
    const cached = key === undefined ? undefined : this.heads.get(key);
    if (cached !== undefined) return cached;
    let s = `{"process":${process.pid},"levelname":${JSON.stringify(levelname)},"name":${JSON.stringify(name)},"message":${JSON.stringify(message)}`;
    if (category !== undefined) s += `,"category":${JSON.stringify(category)}`;
    s += `,"service_name":${JSON.stringify(this.options.serviceName)}`;
    // Only the library's own lines repeat; an app's messages vary.
    if (key !== undefined) this.heads.set(key, s);
    return s;
  }
}

let lastIsoMs = Number.NaN;
let lastIso = '';

/** human_timestamp: ISO 8601 with milliseconds; lines in the same millisecond share the text. */
function isoTime(timestampSeconds: number): string {
  const ms = Math.floor(timestampSeconds * 1000);
  if (ms !== lastIsoMs) {
    lastIsoMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
