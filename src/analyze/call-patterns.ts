/**
 * Call patterns inside one span, seen from the caller: runs of calls to one
 * callee made one after another (which one batched call could replace), and
 * groups of calls that overlapped (ran in parallel). The same rules as the
 * sidecar's calls.sequential / calls.parallel tags (src/assemble/call-timing.ts).
 */
import { overlapClusters, sequentialRuns, type CallInterval } from '../assemble/call-timing.js';
import { ANALYZED_TAG } from './zipkin-span.js';
import { calleeOf, type TraceNode } from './trace-tree.js';

export interface SequentialRun {
  callee: string;
  /** code.function of the calls, when they all share one. */
  functionName?: string;
  calls: number;
  totalUs: number;
  longestUs: number;
  /** Estimated saving of one batched call: the run's total minus its longest call. */
  savingUs: number;
}

export interface ParallelGroup {
  /** Callees in the group, sorted, with repeats (two calls to a cache appear twice). */
  callees: string[];
  calls: number;
  /** Wall-clock time of the group (start of first to end of last). */
  wallUs: number;
  /** What the calls would take one after another. */
  sumUs: number;
}

export interface CallPatterns {
  sequential: SequentialRun[];
  parallel: ParallelGroup[];
}

interface Call extends CallInterval {
  node: TraceNode;
}

export function findCallPatterns(span: TraceNode): CallPatterns {
  const calls: Call[] = span.children
    .filter((c) => c.kind === 'CLIENT')
    .map((node) => ({ callee: calleeOf(node), startUs: node.startUs, endUs: node.endUs, node }));
  const sequential = sequentialRuns(calls).map((run): SequentialRun => {
    const fns = new Set(run.calls.map((c) => c.node.span.tags?.[ANALYZED_TAG.codeFunction]));
    return {
      callee: run.callee,
      functionName: fns.size === 1 ? [...fns][0] : undefined,
      calls: run.count,
      totalUs: run.totalUs,
      longestUs: run.longestUs,
      savingUs: run.savingUs,
    };
  });
  const parallel = overlapClusters(calls)
    .filter((cluster) => cluster.length >= 2)
    .map((cluster): ParallelGroup => ({
      callees: cluster.map((c) => c.callee).sort(),
      calls: cluster.length,
      wallUs: Math.max(...cluster.map((c) => c.endUs)) - Math.min(...cluster.map((c) => c.startUs)),
      sumUs: cluster.reduce((a, c) => a + (c.endUs - c.startUs), 0),
    }));
  return { sequential, parallel };
}
