// A generator of request logs with planted, known facts, for tests and
// benchmarks. A scenario says, per request, which service does how much own
// work, which calls it makes (one after another, or in parallel), how long the
// network takes each way, which callees write logs and which do not, where an
// error starts, and how far each host's clock is off. The generator lays the
// request out in true time, writes the lines each service would log (flat or
// aggregated, with its host's skewed clock), and returns the truth: every
// span's and call's true duration, own time, network time and failure, so a
// test can compare what requestflow and Zipkin recover against what was planted.
//
//   const g = generateLogs({ hosts, requests: 200, plan: (i) => ({ service: 'api', ownMs: 10, steps: [...] }) });
//   g.lines.get('api')      // the api sidecar's log lines
//   g.truth[0].spans        // what was planted in request 0
//
// format: 'mixed' alternates flat and aggregated per request. (The benchmark's
// large files come from test/bench/generate-logs.mjs.)
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Host {
  /** Pod IP, sent as localEndpoint.ipv4 (zipkin.localIp) by that service's sidecar. */
  ip: string;
  /** How far this host's clock is off: its logged times are true time + skewMs. */
  skewMs?: number;
}

export interface ErrorPlan {
  /** request_end's exception message (r_exception.msg); becomes the error tag and exception.message. */
  message?: string;
  traceback?: string;
  /** An ERROR application line with structured context, logged before the request ends. */
  log?: { message: string; context?: Record<string, unknown> };
}

export interface SpanPlan {
  service: string;
  method?: string;
  path?: string;
  /** Own work in ms, spread evenly before, between and after the call steps. */
  ownMs: number;
  /** Each step is one call, or an array of calls started together (in parallel). */
  steps?: (CallPlan | CallPlan[])[];
  /** HTTP status answered (default 200; 500 when `error` is set). */
  status?: number;
  error?: ErrorPlan;
  /** Extra INFO lines (annotations). */
  infoLines?: string[];
}

export interface CallPlan {
  /** dependency_name: the callee service, database or cache. */
  callee: string;
  functionName?: string;
  /** Instrumented callee: the span it logs itself (its service must equal `callee`). */
  server?: SpanPlan;
  /** Network round trip in ms (instrumented callee): half before its request_start, half after its request_end. */
  networkMs?: number;
  /** Uninstrumented callee: the whole call as the caller sees it, ms. */
  durationMs?: number;
  /** The call fails: dependency_end has exception true and this response text. */
  fails?: string;
}

export type LogFormat = 'flat' | 'aggregated' | 'mixed';

export interface Scenario {
  /** Every logging service's host. A service without one has IP 10.0.0.1 and no skew. */
  hosts: Record<string, Host>;
  requests: number;
  plan: (index: number) => SpanPlan;
  /** True start of request 0, epoch µs; default: so the last request starts one second ago. */
  startUs?: number;
  /** Time between request starts, ms (default 50). */
  intervalMs?: number;
  format?: LogFormat;
  /** 16 hex; request i gets id prefix + 16 hex derived from (prefix, i) (default: random, so every run is fresh). */
  requestIdPrefix?: string;
  environment?: string;
}

export interface CallTruth {
  caller: string;
  callee: string;
  /** The call's span id, e.g. 1.2. */
  spanPath: string;
  functionName?: string;
  instrumented: boolean;
  /** True times, µs. */
  startUs: number;
  durationUs: number;
  /** Instrumented callee: round-trip network time. */
  networkUs?: number;
  failed: boolean;
}

export interface SpanTruth {
  service: string;
  spanPath: string;
  name: string;
  depth: number;
  startUs: number;
  durationUs: number;
  ownUs: number;
  /** Union of the calls: steps one after another, the longest call of a parallel step. */
  callsUs: number;
  error?: string;
  status: number;
  calls: CallTruth[];
}

export interface RequestTruth {
  index: number;
  requestId: string;
  root: SpanTruth;
  spans: SpanTruth[];
  calls: CallTruth[];
}

export interface GeneratedLine {
  service: string;
  text: string;
}

const DEFAULT_IP = '10.0.0.1';

/** Yields, request by request, the lines every service logs and the planted truth. */
export function* scenarioRequests(s: Scenario): Generator<{ lines: GeneratedLine[]; truth: RequestTruth }> {
  const intervalUs = Math.round((s.intervalMs ?? 50) * 1000);
  const startUs = s.startUs ?? Date.now() * 1000 - 1_000_000 - intervalUs * s.requests;
  const prefix = s.requestIdPrefix ?? randomBytes(8).toString('hex');
  for (let i = 0; i < s.requests; i++) {
    // Random-looking low half too: Zipkin's in-memory store links traces whose low 64 bits agree.
    const requestId = `${prefix}${createHash('sha256').update(`${prefix}/${i}`).digest('hex').slice(0, 16)}`;
    const format = s.format === 'mixed' ? (i % 2 === 0 ? 'flat' : 'aggregated') : s.format ?? 'flat';
    const ctx: Ctx = { requestId, hosts: s.hosts, format, env: s.environment ?? 'test', lines: [], spans: [], calls: [] };
    const root = layOut(ctx, s.plan(i), '1', 0, startUs + i * intervalUs);
    yield { lines: ctx.lines, truth: { index: i, requestId, root, spans: ctx.spans, calls: ctx.calls } };
  }
}

export interface Generated {
  /** Per service, its log lines in the order its sidecar reads them. */
  lines: Map<string, string[]>;
  truth: RequestTruth[];
}

export function generateLogs(s: Scenario): Generated {
  const lines = new Map<string, string[]>();
  const truth: RequestTruth[] = [];
  for (const r of scenarioRequests(s)) {
    for (const l of r.lines) {
      const list = lines.get(l.service);
      if (list) list.push(l.text);
      else lines.set(l.service, [l.text]);
    }
    truth.push(r.truth);
  }
  return { lines, truth };
}

/** Writes one file per service (<dir>/<service>.ndjson); returns service -> path. */
export function writeServiceLogs(dir: string, g: Generated): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  for (const [service, list] of g.lines) {
    const file = join(dir, `${service}.ndjson`);
    writeFileSync(file, `${list.join('\n')}\n`);
    files.set(service, file);
  }
  return files;
}

/** Planted dependency edges with Zipkin's counting: an error when the call failed or its callee's span did. */
export function plantedEdges(truth: readonly RequestTruth[]): Map<string, { caller: string; callee: string; calls: number; errors: number }> {
  const edges = new Map<string, { caller: string; callee: string; calls: number; errors: number }>();
  for (const r of truth) {
    for (const c of r.calls) {
      const server = c.instrumented ? r.spans.find((s) => s.spanPath === c.spanPath) : undefined;
      const key = `${c.caller}->${c.callee}`;
      const e = edges.get(key) ?? { caller: c.caller, callee: c.callee, calls: 0, errors: 0 };
      e.calls += 1;
      if (c.failed || server?.error !== undefined) e.errors += 1;
      edges.set(key, e);
    }
  }
  return edges;
}

// ---- layout -----------------------------------------------------------------

interface Ctx {
  requestId: string;
  hosts: Record<string, Host>;
  format: 'flat' | 'aggregated';
  env: string;
  lines: GeneratedLine[];
  spans: SpanTruth[];
  calls: CallTruth[];
}

interface Event {
  category: string;
  timeUs: number;
  context?: Record<string, unknown>;
  levelname?: string;
  message?: string | null;
}

const us = (ms: number): number => Math.round(ms * 1000);

/** True duration of a span, µs: own work plus each step's longest call. */
export function spanDurationUs(p: SpanPlan): number {
  return us(p.ownMs) + (p.steps ?? []).reduce((sum, step) => sum + Math.max(...asList(step).map(callDurationUs)), 0);
}

function callDurationUs(c: CallPlan): number {
  if (c.server) {
    if (c.server.service !== c.callee) throw new Error(`call to ${c.callee} answered by ${c.server.service}: they must match`);
    return us(c.networkMs ?? 0) + spanDurationUs(c.server);
  }
  return us(c.durationMs ?? 0);
}

const asList = (step: CallPlan | CallPlan[]): CallPlan[] => (Array.isArray(step) ? step : [step]);

function layOut(ctx: Ctx, p: SpanPlan, spanPath: string, depth: number, startUs: number): SpanTruth {
  const steps = p.steps ?? [];
  const ownUs = us(p.ownMs);
  const gapUs = Math.floor(ownUs / (steps.length + 1));
  const events: Event[] = [];
  const status = p.status ?? (p.error ? 500 : 200);
  const truth: SpanTruth = {
    service: p.service, spanPath, name: `${p.method ?? 'GET'} ${p.path ?? '/'}`, depth, startUs,
    durationUs: spanDurationUs(p), ownUs, callsUs: 0, status, calls: [],
    // What the sidecar puts in the error tag: the exception, else the ERROR line, else the 5xx status.
    error: p.error?.message
      ?? (p.error?.log ? `${p.error.log.message}${p.error.log.context ? ` ${JSON.stringify(p.error.log.context)}` : ''}` : undefined)
      ?? (status >= 500 ? `status ${status}` : undefined),
  };
  ctx.spans.push(truth);
  events.push({
    category: 'request_start', timeUs: startUs, message: 'starting request',
    context: { http_method: p.method ?? 'GET', url_path: p.path ?? '/', url_host: `${p.service}.internal`, url_full: `http://${p.service}.internal${p.path ?? '/'}`, url_args: {}, headers: {}, body: {} },
  });
  (p.infoLines ?? []).forEach((m, k) => events.push({ category: 'application', timeUs: startUs + k + 1, levelname: 'INFO', message: m }));
  let t = startUs + gapUs;
  let child = 0;
  for (const step of steps) {
    let stepEnd = t;
    for (const c of asList(step)) {
      child += 1;
      const callPath = `${spanPath}.${child}`;
      const durationUs = callDurationUs(c);
      const failed = c.fails !== undefined;
      events.push({ category: 'dependency_start', timeUs: t, context: { dependency_span_id: callPath, dependency_name: c.callee, function_name: c.functionName ?? 'call', args: [], kwargs: {} } });
      events.push({ category: 'dependency_end', timeUs: t + durationUs, context: { dependency_span_id: callPath, exception: failed, ...(failed ? { response: c.fails } : {}) } });
      const call: CallTruth = {
        caller: p.service, callee: c.callee, spanPath: callPath, functionName: c.functionName, instrumented: c.server !== undefined,
        startUs: t, durationUs, failed, networkUs: c.server ? us(c.networkMs ?? 0) : undefined,
      };
      truth.calls.push(call);
      ctx.calls.push(call);
      if (c.server) layOut(ctx, c.server, callPath, depth + 1, t + Math.floor(us(c.networkMs ?? 0) / 2));
      stepEnd = Math.max(stepEnd, t + durationUs);
    }
    truth.callsUs += stepEnd - t;
    t = stepEnd + gapUs;
  }
  const endUs = startUs + truth.durationUs;
  if (p.error?.log) events.push({ category: 'application', timeUs: endUs - 1, levelname: 'ERROR', message: p.error.log.message, context: p.error.log.context });
  events.push({
    category: 'request_end', timeUs: endUs, message: 'ending request',
    context: {
      r_status: `${status} ${status >= 500 ? 'INTERNAL SERVER ERROR' : 'OK'}`, r_headers: {}, r_body: '',
      r_exception: { msg: p.error?.message ?? null, traceback: p.error?.traceback ?? null },
    },
  });
  write(ctx, p.service, spanPath, events);
  return truth;
}

function write(ctx: Ctx, service: string, spanPath: string, events: Event[]): void {
  const host = ctx.hosts[service] ?? { ip: DEFAULT_IP };
  const skewUs = us(host.skewMs ?? 0);
  const seconds = (timeUs: number) => (timeUs + skewUs) / 1e6;
  const common = {
    tracking_id: ctx.requestId, span_id: spanPath, service_name: service, name: service, process: 1000,
    environment: { datacenter: 'dc-test', hostname: `${service}-pod`, name: ctx.env },
  };
  const sorted = [...events].sort((a, b) => a.timeUs - b.timeUs);
  if (ctx.format === 'aggregated') {
    const last = sorted[sorted.length - 1]!;
    ctx.lines.push({
      service,
      text: JSON.stringify({
        ...common, levelname: 'INFO', message: 'completed request', category: 'aggregated', timestamp: seconds(last.timeUs),
        context: { events: sorted.map((e) => ({ category: e.category, timestamp: seconds(e.timeUs), context: e.context ?? {}, ...(e.levelname ? { levelname: e.levelname } : {}), ...(e.message !== undefined ? { message: e.message } : {}) })) },
      }),
    });
    return;
  }
  for (const e of sorted) {
    ctx.lines.push({
      service,
      text: JSON.stringify({ ...common, levelname: e.levelname ?? 'INFO', message: e.message ?? null, category: e.category, timestamp: seconds(e.timeUs), context: e.context ?? {} }),
    });
  }
}
