/**
 * One trace for `analyze trace`: a waterfall row per span (own time, time in
 * calls, network per call, skew correction), the critical path, and the
 * failure explanation. In: Zipkin spans of one trace. Out: plain data in
 * milliseconds relative to the trace's start (skew-corrected), ready for the
 * text, JSON and HTML renderers.
 */
import { criticalPath, criticalSteps } from './critical-path.js';
import { explainFailure, type FailureExplanation } from './failure-explanation.js';
import { usToMs } from './stats.js';
import { buildTraceTree, calleeOf, serverChildOf, type TraceNode } from './trace-tree.js';
import { ANALYZED_TAG, type ZipkinSpan } from './zipkin-span.js';

export interface WaterfallRow {
  depth: number;
  kind: string;
  service: string;
  /** CLIENT rows: the callee; `calleeLogged` says whether it wrote logs itself. */
  callee?: string;
  calleeLogged?: boolean;
  name: string;
  spanPath?: string;
  startMs: number;
  durationMs: number;
  ownMs: number;
  callsMs: number;
  networkMs?: number;
  /** How far the span was moved to correct clock skew (positive: later). */
  skewMs: number;
  error?: string;
  incomplete: boolean;
}

export interface CriticalStepRow {
  service: string;
  kind: string;
  name: string;
  spanPath?: string;
  /** The part of the step that is the wire: a CLIENT span's own time on the path. */
  what: 'own' | 'network' | 'uninstrumented callee';
  ms: number;
}

export interface TraceReport {
  traceId: string;
  requestId?: string;
  startTime: string;
  durationMs: number;
  spans: number;
  services: string[];
  rows: WaterfallRow[];
  criticalPath: CriticalStepRow[];
  failure?: FailureExplanation;
}

export function traceReport(spans: readonly ZipkinSpan[]): TraceReport {
  const tree = buildTraceTree(spans);
  const t0 = tree.startUs;
  const rows = tree.nodes.map((n): WaterfallRow => ({
    depth: n.depth,
    kind: n.kind ?? 'LOCAL',
    service: n.service,
    callee: n.kind === 'CLIENT' ? calleeOf(n) : undefined,
    calleeLogged: n.kind === 'CLIENT' ? serverChildOf(n) !== undefined : undefined,
    name: n.name,
    spanPath: n.spanPath,
    startMs: usToMs(n.startUs - t0),
    durationMs: usToMs(n.durationUs),
    ownMs: usToMs(n.ownUs),
    callsMs: usToMs(n.callsUs),
    networkMs: n.networkUs === undefined ? undefined : usToMs(n.networkUs),
    skewMs: usToMs(n.skewUs),
    error: n.error,
    incomplete: n.incomplete,
  }));
  // The path of the main root: the request as its entry service served it.
  const main = [...tree.roots].sort((a, b) => b.durationUs - a.durationUs)[0];
  const path = main ? criticalSteps(criticalPath(main)).map((s) => stepRow(s.node, s.us)) : [];
  return {
    traceId: tree.traceId,
    requestId: spans.find((s) => s.tags?.[ANALYZED_TAG.requestId])?.tags?.[ANALYZED_TAG.requestId],
    startTime: new Date(t0 / 1000).toISOString(),
    durationMs: usToMs(tree.endUs - tree.startUs),
    spans: tree.nodes.length,
    services: [...new Set(tree.nodes.map((n) => n.service))].sort(),
    rows,
    criticalPath: path,
    failure: explainFailure(tree),
  };
}

function stepRow(node: TraceNode, us: number): CriticalStepRow {
  const what = node.kind !== 'CLIENT' ? 'own' : serverChildOf(node) ? 'network' : 'uninstrumented callee';
  return {
    service: node.kind === 'CLIENT' && what === 'uninstrumented callee' ? calleeOf(node) : node.service,
    kind: node.kind ?? 'LOCAL',
    name: node.name,
    spanPath: node.spanPath,
    what,
    ms: usToMs(us),
  };
}
