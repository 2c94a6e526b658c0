/**
 * Span assembly: typed log events in, finished OpenTelemetry spans out.
 *
 *   request_start .. request_end          -> one SERVER span per (request id, span path, service)
 *   dependency_start .. dependency_end    -> one CLIENT span per outgoing call (its own span path)
 *   application                           -> an annotation on its SERVER span
 *
 * Spans wait in a bounded open-span store (count and bytes) until their end
 * arrives. Spans whose end never comes are exported after `openSpanTimeoutMs`,
 * or when the store is full (oldest first), or at the end of input, marked
 * incomplete and counted.
 * For at-least-once reading, each open span remembers the earliest (source,
 * offset) it was built from: `holdOffset(source)` is where a checkpoint of that
 * source must stay so that a restart can rebuild every open span.
 * Pure apart from the store: the caller passes the clock and record positions.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type {
  ApplicationEvent, DependencyEndEvent, DependencyStartEvent, EventBase, LogEvent,
  RequestEndEvent, RequestStartEvent,
} from '../decode/log-event.js';
import { exceptionAtEnd, tracebackLines, tracebackMessage } from '../decode/traceback.js';
import type { Counters } from '../observe/counters.js';
import { callTiming, type CallInterval } from './call-timing.js';
import { HoldQueue, type Hold } from './hold-queue.js';
import { spanIdFor, TraceIds, type TraceEntry } from './ids.js';
import { cut, type LimitOptions } from './limits.js';
import { toReadableSpan, type SpanData } from './otel-span.js';
import { createRedactor, redactUrlCredentials, type PrivacyOptions, type Redactor } from './privacy.js';
import { TAG } from './tag-names.js';

export interface AssembleOptions {
  privacy: PrivacyOptions;
  limits: LimitOptions;
  /** An open span is exported as incomplete this long after its first line was read (ms). */
  openSpanTimeoutMs: number;
  /** Most spans waiting for their end; beyond it the oldest is exported as incomplete. */
  maxOpenSpans: number;
  /** Most bytes of records held by open spans; beyond it the oldest is exported as incomplete. */
  maxOpenSpanBytes: number;
}

/** Where a record came from; spans remember it while they are open. */
export interface RecordInfo {
  /** The log file (or stream) the record was read from. */
  source?: string;
  /** Offset of the record's first byte in its source. */
  offset?: number;
  /** The record's size, counted against maxOpenSpanBytes while its span is open. */
  bytes: number;
  /** Set when the record was cut at the record limit: its full length in bytes. */
  cutFromBytes?: number;
}

/** What every open span keeps for the bounds and the checkpoint hold-back. */
interface OpenBase {
  holds: Hold[];
  bytes: number;
  /** The add() call that last touched it (bytes are counted once per record). */
  seq: number;
  /** Set when one of its records was cut at the record limit. */
  truncated?: string;
}

interface OpenServer extends OpenBase {
  side: 'server';
  base: EventBase;
  openedAtMs: number;
  start?: RequestStartEvent;
  firstUs: number;
  lastUs: number;
  annotations: { timeUs: number; text: string }[];
  droppedAnnotations: number;
  /** First ERROR/CRITICAL application line, with its context. */
  logError?: string;
  calls: CallInterval[];
}

interface OpenClient extends OpenBase {
  side: 'client';
  base: EventBase;
  openedAtMs: number;
  start: DependencyStartEvent;
}

type Open = OpenServer | OpenClient;

const ERROR_LEVELS = new Set(['ERROR', 'CRITICAL', 'FATAL']);

/**
 * SERVER spans remembered after their end, so that a line written after its
 * request_end (another thread's log line, a fire-and-forget call) still
 * reaches its span instead of opening a phantom one. At 1,250 requests a
 * second that is the last 8 s; about 1.5 MB.
 */
export const RECENTLY_ENDED_SPANS = 10_000;

/** What a late line needs of its ended SERVER span to be sent as a fragment of it. */
interface EndedServer {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startUs: number;
  endUs: number;
}
const TRACEBACK_LINES = 12;

export class SpanAssembler {
  private readonly open = new Map<string, Open>();
  private readonly ended = new Map<string, EndedServer>();
  private readonly redactor: Redactor;
  private readonly holds = new HoldQueue();
  private openBytesTotal = 0;
  private seq = 0;
  private record: RecordInfo = { bytes: 0 };
  private readonly ids = new TraceIds();

  constructor(private readonly opts: AssembleOptions, private readonly counters: Counters) {
    this.redactor = createRedactor(opts.privacy);
  }

  get openSpans(): number {
    return this.open.size;
  }

  /** Bytes of records held by open spans. */
  get openBytes(): number {
    return this.openBytesTotal;
  }

  /** The earliest offset of `source` that a still-open span was built from. */
  holdOffset(source: string): number | undefined {
    return this.holds.earliest(source);
  }

  /**
   * Feeds the events of one record, in log order; returns the spans they
   * complete (and any pushed out of the store by the bounds), appended to
   * `out` when given. `record` is read during the call only.
   */
  add(events: readonly LogEvent[], nowMs: number, record: RecordInfo = { bytes: 0 }, out: ReadableSpan[] = []): ReadableSpan[] {
    this.seq += 1;
    this.record = record;
    for (const e of events) {
      switch (e.category) {
        case 'request_start': this.onRequestStart(e, nowMs, out); break;
        case 'request_end': this.onRequestEnd(e, nowMs, out); break;
        case 'dependency_start': this.onDependencyStart(e, nowMs, out); break;
        case 'dependency_end': this.onDependencyEnd(e, nowMs, out); break;
        case 'application': this.onApplication(e, nowMs, out); break;
      }
    }
    while (this.openBytesTotal > this.opts.maxOpenSpanBytes && this.open.size > 0) {
      const key = this.open.keys().next().value as string;
      const oldest = this.take(key)!;
      this.counters.inc('incomplete.evicted_for_bytes');
      out.push(this.finishIncomplete(oldest));
    }
    return out;
  }

  /** Exports, as incomplete, the spans opened more than openSpanTimeoutMs ago. */
  expire(nowMs: number): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    // Map order is insertion order and entries are never re-inserted, so the oldest come first.
    for (const [key, o] of this.open) {
      if (nowMs - o.openedAtMs < this.opts.openSpanTimeoutMs) break;
      this.take(key);
      this.counters.inc('incomplete.timed_out');
      out.push(this.finishIncomplete(o));
    }
    return out;
  }

  /** End of input: every open span is exported, marked incomplete. */
  flushAll(reason: 'end_of_input' | 'open_at_shutdown' = 'end_of_input'): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (const key of [...this.open.keys()]) {
      this.counters.inc(`incomplete.${reason}`);
      out.push(this.finishIncomplete(this.take(key)!));
    }
    return out;
  }

  // ---- events -------------------------------------------------------------

  private onRequestStart(e: RequestStartEvent, nowMs: number, out: ReadableSpan[]): void {
    // The same ids again after an end: a new span that reuses them (counted by Zipkin's merge, not here).
    const key = serverKey(e);
    this.ended.delete(key);
    const s = this.server(e, nowMs, out, key);
    if (s.start) this.counters.inc('anomaly.duplicate_request_start');
    s.start = e;
    s.firstUs = Math.min(s.firstUs, e.timeUs);
  }

  private onRequestEnd(e: RequestEndEvent, nowMs: number, out: ReadableSpan[]): void {
    const key = serverKey(e);
    if (!this.open.has(key) && this.ended.has(key)) {
      // Its span went out with the first end; a second one adds nothing to send.
      this.counters.inc('anomaly.duplicate_request_end');
      return;
    }
    const s = this.server(e, nowMs, out, key);
    this.take(key);
    if (!s.start) this.counters.inc('incomplete.missing_start');
    const span = this.serverSpan(s, e);
    this.remember(key, span);
    out.push(toReadableSpan(span));
  }

  private onDependencyStart(e: DependencyStartEvent, nowMs: number, out: ReadableSpan[]): void {
    const key = clientKey(e, e.callSpanPath);
    const existing = this.open.get(key) as OpenClient | undefined;
    if (existing) {
      // The later start wins; the span keeps its place (and holds) in the store.
      this.counters.inc('anomaly.duplicate_dependency_start');
      existing.base = e;
      existing.start = e;
      this.touch(existing);
    } else {
      this.makeRoom(out);
      this.put(key, { side: 'client', base: e, openedAtMs: nowMs, start: e, holds: [], bytes: 0, seq: 0 });
    }
    const sk = serverKey(e);
    if (this.endedServer(sk)) this.counters.inc('anomaly.late_dependency');
    else this.touchServer(e, nowMs, out, sk);
  }

  private onDependencyEnd(e: DependencyEndEvent, nowMs: number, out: ReadableSpan[]): void {
    const key = clientKey(e, e.callSpanPath);
    const c = this.take(key) as OpenClient | undefined;
    if (!c) this.counters.inc('incomplete.missing_start');
    const span = this.clientSpan(e, c?.start, e);
    const truncated = c?.truncated ?? this.truncation();
    if (truncated) span.attributes[TAG.truncated] = truncated;
    out.push(toReadableSpan(span));
    // A call that ends after its SERVER span did: its own CLIENT span is all there is to send.
    const sk = serverKey(e);
    if (this.endedServer(sk)) return;
    const server = this.touchServer(e, nowMs, out, sk);
    // The callee names a tag (callee.<callee>) and is a tag value: cut like one.
    server.calls.push({ callee: this.tag(calleeName(c?.start, e)), startUs: span.startUs, endUs: span.endUs });
  }

  private onApplication(e: ApplicationEvent, nowMs: number, out: ReadableSpan[]): void {
    const level = (e.level ?? 'INFO').toUpperCase();
    const context = e.context ? this.redactor.scrubContext(e.context) : undefined;
    const contextText = context && Object.keys(context).length ? ` ${JSON.stringify(context)}` : '';
    const message = e.message === null ? '(no message)' : redactUrlCredentials(e.message);
    const sk = serverKey(e);
    const ended = this.endedServer(sk);
    if (ended) {
      this.counters.inc('anomaly.late_application_line');
      out.push(toReadableSpan(this.lateFragment(e, ended, level, `${message}${contextText}`)));
      return;
    }
    const s = this.touchServer(e, nowMs, out, sk);
    if (ERROR_LEVELS.has(level) && s.logError === undefined) s.logError = `${message}${contextText}`;
    if (s.annotations.length >= this.opts.limits.maxAnnotationsPerSpan) {
      s.droppedAnnotations += 1;
      this.counters.inc('truncated.annotation_dropped');
      return;
    }
    const text = `${level}${e.logger ? ` ${e.logger}` : ''}: ${message}${contextText}`;
    s.annotations.push({
      timeUs: e.timeUs,
      text: text.length <= this.opts.limits.maxAnnotationLength ? text
        : cut(text, this.opts.limits.maxAnnotationLength, () => this.counters.inc('truncated.annotation_text')),
    });
  }

  // ---- spans that ended -------------------------------------------------------

  /** The ended SERVER span of an event's server key, when it has no open one. */
  private endedServer(key: string): EndedServer | undefined {
    if (this.ended.size === 0) return undefined;
    return this.open.has(key) ? undefined : this.ended.get(key);
  }

  private remember(key: string, d: SpanData): void {
    this.ended.set(key, { traceId: d.traceId, spanId: d.spanId, parentSpanId: d.parentSpanId, name: d.name, startUs: d.startUs, endUs: d.endUs });
    if (this.ended.size > RECENTLY_ENDED_SPANS) this.ended.delete(this.ended.keys().next().value as string);
  }

  /**
   * A late line as a fragment of its ended span: the same ids, name and times,
   * the annotation (and, for an ERROR line, the error). Zipkin merges the
   * fragments of one span id, so the span gains the line and nothing else.
   */
  private lateFragment(e: ApplicationEvent, ended: EndedServer, level: string, text: string): SpanData {
    const annotation = `${level}${e.logger ? ` ${e.logger}` : ''}: ${text}`;
    return {
      ...ended,
      kind: 'SERVER',
      service: e.service,
      attributes: { [TAG.requestId]: this.tag(e.requestId), [TAG.spanPath]: e.spanPath },
      annotations: [{ timeUs: e.timeUs, text: cut(annotation, this.opts.limits.maxAnnotationLength, () => this.counters.inc('truncated.annotation_text')) }],
      error: ERROR_LEVELS.has(level) ? this.tag(text) : undefined,
    };
  }

  // ---- open-span store -------------------------------------------------------

  // `key` is serverKey(e), made once per event by the caller: a key built
  // again is hashed again at every Map lookup.
  private server(e: EventBase, nowMs: number, out: ReadableSpan[], key: string): OpenServer {
    let s = this.open.get(key) as OpenServer | undefined;
    if (!s) {
      this.makeRoom(out);
      s = {
        side: 'server', base: e, openedAtMs: nowMs, firstUs: e.timeUs, lastUs: e.timeUs,
        annotations: [], droppedAnnotations: 0, calls: [], holds: [], bytes: 0, seq: 0,
      };
      this.put(key, s);
    }
    this.touch(s);
    s.lastUs = Math.max(s.lastUs, e.timeUs);
    return s;
  }

  private touchServer(e: EventBase, nowMs: number, out: ReadableSpan[], key: string): OpenServer {
    const s = this.server(e, nowMs, out, key);
    s.firstUs = Math.min(s.firstUs, e.timeUs);
    return s;
  }

  private makeRoom(out: ReadableSpan[]): void {
    while (this.open.size >= this.opts.maxOpenSpans) {
      const key = this.open.keys().next().value as string;
      const oldest = this.take(key)!;
      this.counters.inc('incomplete.evicted');
      out.push(this.finishIncomplete(oldest));
    }
  }

  private put(key: string, o: Open): void {
    this.open.set(key, o);
    this.touch(o);
  }

  /** Removes an open span, releasing its holds and bytes. */
  private take(key: string): Open | undefined {
    const o = this.open.get(key);
    if (!o) return undefined;
    this.open.delete(key);
    for (const h of o.holds) this.holds.release(h);
    this.openBytesTotal -= o.bytes;
    return o;
  }

  /** The record being added now is part of `o`: count its bytes once and hold its position. */
  private touch(o: Open): void {
    if (o.seq === this.seq) return;
    o.seq = this.seq;
    const r = this.record;
    o.bytes += r.bytes;
    this.openBytesTotal += r.bytes;
    if (r.source !== undefined && r.offset !== undefined && !o.holds.some((h) => h.source === r.source && !h.released)) {
      o.holds.push(this.holds.hold(r.source, r.offset));
    }
    o.truncated ??= this.truncation();
  }

  private truncation(): string | undefined {
    const r = this.record;
    return r.cutFromBytes === undefined ? undefined : `record cut at ${r.bytes} of ${r.cutFromBytes} bytes`;
  }

  private finishIncomplete(o: Open): ReadableSpan {
    if (o.side === 'client') {
      const d = this.clientSpan(o.base, o.start, undefined);
      d.attributes[TAG.incomplete] = 'missing_end';
      if (o.truncated) d.attributes[TAG.truncated] = o.truncated;
      return toReadableSpan(d);
    }
    const d = this.serverSpan(o, undefined);
    return toReadableSpan(d);
  }

  // ---- span data ------------------------------------------------------------

  private serverSpan(s: OpenServer, end: RequestEndEvent | undefined): SpanData {
    const base = s.base;
    const trace = this.ids.trace(base.requestId);
    const traceId = trace.traceId;
    const startUs = s.start?.timeUs ?? s.firstUs;
    const endUs = Math.max(end?.timeUs ?? s.lastUs, startUs + 1);
    if (end && end.timeUs < startUs) this.counters.inc('anomaly.end_before_start');
    const attributes = this.commonTags(base, trace);
    const start = s.start;
    if (start?.method) attributes[TAG.httpMethod] = start.method.toUpperCase();
    if (start?.path) attributes[TAG.httpPath] = this.tag(start.path);
    if (start?.host) attributes[TAG.httpHost] = this.tag(start.host);
    const query = this.redactor.queryTag(start?.query);
    if (query) attributes[TAG.httpQuery] = this.tag(query);
    Object.assign(attributes, this.tags(this.redactor.headerTags(TAG.requestHeaderPrefix, start?.headers, this.opts.privacy.requestHeaders)));
    if (end) {
      if (end.statusCode !== undefined) attributes[TAG.httpStatusCode] = String(end.statusCode);
      Object.assign(attributes, this.tags(this.redactor.headerTags(TAG.responseHeaderPrefix, end.headers, this.opts.privacy.responseHeaders)));
      if (this.opts.privacy.bodies) {
        if (start?.body !== undefined) attributes[TAG.httpRequestBody] = this.tag(this.redactor.bodyText(start.body));
        if (end.body !== undefined) attributes[TAG.httpResponseBody] = this.tag(this.redactor.bodyText(end.body));
      }
      if (end.exceptionMessage?.trim()) attributes[TAG.exceptionMessage] = this.tag(redactUrlCredentials(end.exceptionMessage));
      if (end.traceback?.trim()) attributes[TAG.exceptionStacktrace] = this.tag(redactUrlCredentials(shortTraceback(end.traceback)));
    } else {
      attributes[TAG.incomplete] = 'missing_end';
    }
    if (!s.start) attributes[TAG.incomplete] = end ? 'missing_start' : 'missing_start_and_end';
    if (s.truncated) attributes[TAG.truncated] = s.truncated;
    if (s.droppedAnnotations) attributes[TAG.droppedAnnotations] = String(s.droppedAnnotations);
    this.timingTags(attributes, startUs, endUs, s.calls);
    this.tags(attributes); // every value, whatever its source, within maxTagValueLength
    attributes['service.name'] = base.service; // as written (it names the service, it is not cut)

    const rawError = (end && exceptionText(end))
      ?? s.logError
      ?? (end?.statusCode !== undefined && end.statusCode >= 500 ? end.statusText ?? String(end.statusCode) : undefined);
    const error = rawError === undefined ? undefined : redactUrlCredentials(rawError);
    return {
      traceId,
      spanId: this.ids.serverSpanId(trace, base.spanPath),
      // The caller's CLIENT span for this path; the root span "1" has no caller.
      parentSpanId: base.spanPath === '1' ? undefined : spanIdFor(traceId, base.spanPath, 'client'),
      name: this.spanName(start?.method && start.path ? `${start.method.toUpperCase()} ${start.path}` : start?.path ?? 'request'),
      kind: 'SERVER',
      service: base.service,
      startUs,
      endUs,
      attributes,
      annotations: s.annotations,
      error: error === undefined ? undefined : this.tag(error),
    };
  }

  private clientSpan(base: EventBase, start: DependencyStartEvent | undefined, end: DependencyEndEvent | undefined): SpanData {
    const trace = this.ids.trace(base.requestId);
    const traceId = trace.traceId;
    const callPath = (start ?? end)!.callSpanPath;
    const callee = calleeName(start, end);
    const fn = start?.functionName ?? end?.functionName;
    const startUs = start?.timeUs ?? end!.timeUs;
    const endUs = Math.max(end?.timeUs ?? startUs + 1, startUs + 1);
    if (end && end.timeUs < startUs) this.counters.inc('anomaly.end_before_start');
    const attributes = this.commonTags(base, trace);
    attributes[TAG.spanPath] = callPath;
    attributes[TAG.peerService] = callee;
    if (fn) attributes[TAG.codeFunction] = this.tag(fn);
    if (this.opts.privacy.dependencyArgs) {
      // Allow-listed, but credential-named keys (a password kwarg) are still redacted.
      if (start?.args !== undefined) attributes[TAG.codeArgs] = this.tag(this.redactor.bodyText(start.args));
      if (start?.kwargs !== undefined) attributes[TAG.codeKwargs] = this.tag(this.redactor.bodyText(start.kwargs));
    }
    if (!start) attributes[TAG.incomplete] = 'missing_start';
    this.tags(attributes);
    attributes['service.name'] = base.service;
    const failed = end?.exception === true;
    return {
      traceId,
      spanId: spanIdFor(traceId, callPath, 'client'),
      parentSpanId: this.ids.serverSpanId(trace, base.spanPath),
      // Without a dependency name the callee is the function name: not twice.
      name: this.spanName(fn && (start?.dependencyName ?? end?.dependencyName) ? `${callee} ${fn}` : callee),
      kind: 'CLIENT',
      service: base.service,
      startUs,
      endUs,
      attributes,
      annotations: [],
      error: failed ? this.tag(end?.response ? redactUrlCredentials(end.response) : 'dependency call failed') : undefined,
    };
  }

  private commonTags(base: EventBase, { how }: TraceEntry): Record<string, string> {
    const tags: Record<string, string> = {
      [TAG.requestId]: this.tag(base.requestId),
      [TAG.spanPath]: base.spanPath,
    };
    if (how !== 'as_is') tags[TAG.requestIdMapping] = how;
    if (base.environment?.name) tags[TAG.environment] = this.tag(base.environment.name);
    if (base.environment?.hostname) tags[TAG.hostName] = this.tag(base.environment.hostname);
    return tags;
  }

  private timingTags(tags: Record<string, string>, startUs: number, endUs: number, calls: CallInterval[]): void {
    if (calls.length === 0) return;
    const t = callTiming(startUs, endUs, calls);
    tags[TAG.selfMs] = ms(t.selfUs);
    tags[TAG.callsMs] = ms(t.callsUs);
    tags[TAG.callsCount] = String(calls.length);
    for (const c of t.callees) tags[`${TAG.calleePrefix}${c.callee}`] = `count=${c.count} total_ms=${ms(c.totalUs)}`;
    if (t.sequential.length) {
      tags[TAG.sequentialCalls] = this.tag(t.sequential
        .map((r) => `${r.callee} x${r.count} total_ms=${ms(r.totalUs)} batch_saving_ms=${ms(r.savingUs)}`)
        .join('; '));
      tags[TAG.sequentialCallee] = t.sequential[0]!.callee;
    }
    if (t.parallel.length) {
      tags[TAG.parallelCalls] = this.tag(t.parallel
        .map((g) => `${g.callees.length} calls at once (${g.callees.join(', ')}) wall_ms=${ms(g.wallUs)} sum_ms=${ms(g.sumUs)}`)
        .join('; '));
    }
  }

  private tag(value: string): string {
    if (value.length <= this.opts.limits.maxTagValueLength) return value; // nearly always: no closure made
    return cut(value, this.opts.limits.maxTagValueLength, () => this.counters.inc('truncated.tag_value'));
  }

  /** Span names are cut like tag values: a runaway path must not swamp Zipkin's UI. */
  private spanName(name: string): string {
    if (name.length <= this.opts.limits.maxTagValueLength) return name;
    return cut(name, this.opts.limits.maxTagValueLength, () => this.counters.inc('truncated.span_name'));
  }

  private tags(t: Record<string, string>): Record<string, string> {
    for (const k of Object.keys(t)) t[k] = this.tag(t[k]!);
    return t;
  }
}

function serverKey(e: EventBase): string {
  return `${e.requestId}\u0000${e.spanPath}\u0000${e.service}\u0000s`;
}

function clientKey(e: EventBase, callPath: string): string {
  return `${e.requestId}\u0000${callPath}\u0000${e.service}\u0000c`;
}

function calleeName(start?: DependencyStartEvent, end?: DependencyEndEvent): string {
  return start?.dependencyName ?? end?.dependencyName ?? start?.functionName ?? end?.functionName ?? 'unknown';
}

function ms(us: number): string {
  return (us / 1000).toFixed(3);
}

/**
 * A request_end's exception: its message, else its traceback's last line (the
 * exception itself); blank ones are none (some services write "" when fine).
 */
function exceptionText(end: RequestEndEvent): string | undefined {
  if (end.exceptionMessage?.trim()) return end.exceptionMessage;
  return end.traceback === undefined ? undefined : tracebackMessage(end.traceback);
}

/** The end of a traceback that carries the exception and where it was raised. */
function shortTraceback(tb: string): string {
  const lines = tracebackLines(tb);
  if (lines.length <= TRACEBACK_LINES) return lines.join('\n');
  return exceptionAtEnd(lines)
    ? ['…', ...lines.slice(-TRACEBACK_LINES)].join('\n')
    : [...lines.slice(0, TRACEBACK_LINES), '…'].join('\n');
}
