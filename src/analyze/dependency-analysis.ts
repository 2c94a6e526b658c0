/**
 * The service call graph computed from traces: per caller → callee edge the
 * number of calls, how many failed, and latency percentiles as the caller saw
 * them (network included). Zipkin's /dependencies only counts calls.
 */
import { summarize, usToMs, type Summary } from './stats.js';
import { buildTraceTree, calleeOf, serverChildOf, type TraceNode } from './trace-tree.js';
import type { ZipkinSpan } from './zipkin-span.js';

/** Stands for a caller that never logged (the SERVER span's parent is missing from the trace). */
export const UNTRACED_CALLER = '(untraced caller)';

export interface DependencyEdge {
  caller: string;
  callee: string;
  calls: number;
  errors: number;
  errorRate: number;
  /** Caller-side duration of the calls; callee-side for untraced callers. */
  latencyMs: Summary;
  /** Network time per call (calls whose callee logged); undefined when it never did. */
  networkMs?: Summary;
  /** Whether the callee wrote logs (a SERVER span answered at least one call). */
  calleeLogged: boolean;
}

export interface DependencyGraph {
  traces: number;
  /** Services that served requests nobody traced calling: entry points. */
  entryServices: string[];
  edges: DependencyEdge[];
}

export function analyzeDependencies(traces: readonly (readonly ZipkinSpan[])[]): DependencyGraph {
  const acc = new Map<string, { caller: string; callee: string; calls: number; errors: number; lat: number[]; net: number[]; logged: boolean }>();
  const entries = new Set<string>();
  const add = (caller: string, callee: string, n: TraceNode, failed: boolean, networkUs?: number, logged = false): void => {
    const key = `${caller}\u0000${callee}`;
    const e = acc.get(key) ?? { caller, callee, calls: 0, errors: 0, lat: [], net: [], logged: false };
    e.calls += 1;
    // An unfinished call has no true duration: counted, but kept out of the latencies.
    if (!n.incomplete) e.lat.push(usToMs(n.durationUs));
    if (networkUs !== undefined) e.net.push(usToMs(networkUs));
    if (failed) e.errors += 1;
    e.logged ||= logged;
    acc.set(key, e);
  };
  for (const trace of traces) {
    for (const n of buildTraceTree(trace).nodes) {
      if (n.kind === 'CLIENT') {
        const server = serverChildOf(n);
        const failed = n.error !== undefined || server?.error !== undefined;
        add(n.service, calleeOf(n), n, failed, server && !server.incomplete ? n.networkUs : undefined, server !== undefined);
      } else if (n.kind === 'SERVER' && !n.parent) {
        // A parent id means someone called it; without one it is where the request entered.
        if (n.span.parentId) add(UNTRACED_CALLER, n.service, n, n.error !== undefined, undefined, true);
        else entries.add(n.service);
      }
    }
  }
  const edges = [...acc.values()].map((e): DependencyEdge => ({
    caller: e.caller,
    callee: e.callee,
    calls: e.calls,
    errors: e.errors,
    errorRate: e.errors / e.calls,
    latencyMs: summarize(e.lat),
    networkMs: e.net.length > 0 ? summarize(e.net) : undefined,
    calleeLogged: e.logged,
  })).sort((a, b) => a.caller.localeCompare(b.caller) || b.calls - a.calls);
  return { traces: traces.length, entryServices: [...entries].sort(), edges };
}
