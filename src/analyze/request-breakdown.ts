/**
 * Where one request's time went, seen from the SERVER span that handled it:
 * its critical path split into own work, network of its outgoing calls, and
 * the time of each direct callee (including everything that callee waited
 * for). The parts add up to the span's duration, so parallel calls count once.
 */
import { criticalPath } from './critical-path.js';
import { calleeOf, serverChildOf, type TraceNode } from './trace-tree.js';

export interface RequestBreakdown {
  traceId: string;
  spanPath?: string;
  name: string;
  startUs: number;
  durationUs: number;
  /** Own work on the critical path (= duration minus the union of the calls). */
  ownUs: number;
  /** Network of direct calls on the critical path (calls whose callee logged). */
  networkUs: number;
  /** Per direct callee: its time on the critical path (a callee that never logged includes its network). */
  calleeUs: Record<string, number>;
  /** Per direct callee: number of calls made. */
  calls: Record<string, number>;
  failed: boolean;
}

export function breakdownRequest(server: TraceNode): RequestBreakdown {
  const calleeUs: Record<string, number> = {};
  const calls: Record<string, number> = {};
  let ownUs = 0;
  let networkUs = 0;
  for (const child of server.children) {
    if (child.kind !== 'CLIENT') continue;
    const callee = calleeOf(child);
    calls[callee] = (calls[callee] ?? 0) + 1;
    calleeUs[callee] ??= 0;
  }
  for (const seg of criticalPath(server)) {
    const us = seg.endUs - seg.startUs;
    const call = directChildContaining(server, seg.node);
    if (!call || call.kind !== 'CLIENT') {
      // The span itself, or in-process child spans: the service's own work.
      ownUs += us;
    } else if (seg.node === call && serverChildOf(call)) {
      // A CLIENT span's own time around its logged callee is the wire.
      networkUs += us;
    } else {
      const callee = calleeOf(call);
      calleeUs[callee] = (calleeUs[callee] ?? 0) + us;
    }
  }
  return {
    traceId: server.span.traceId,
    spanPath: server.spanPath,
    name: server.name,
    startUs: server.startUs,
    durationUs: server.durationUs,
    ownUs,
    networkUs,
    calleeUs,
    calls,
    failed: server.error !== undefined,
  };
}

function directChildContaining(ancestor: TraceNode, node: TraceNode): TraceNode | undefined {
  let n: TraceNode | undefined = node;
  while (n && n.parent !== ancestor) n = n.parent;
  return n;
}
