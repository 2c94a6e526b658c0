/**
 * Call patterns inside one span: runs of calls to the same callee made one
 * after another (each starts after the previous ended), which one batched
 * call could replace, and groups of calls that overlapped (ran in parallel).
 */
import { overlapClusters } from './intervals.js';
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

export function findCallPatterns(span: TraceNode): CallPatterns {
  const calls = span.children.filter((c) => c.kind === 'CLIENT');
  return { sequential: sequentialRuns(calls), parallel: parallelGroups(calls) };
}

function sequentialRuns(calls: readonly TraceNode[]): SequentialRun[] {
  const byCallee = new Map<string, TraceNode[]>();
  for (const c of calls) byCallee.set(calleeOf(c), [...(byCallee.get(calleeOf(c)) ?? []), c]);
  const runs: SequentialRun[] = [];
  for (const [callee, list] of byCallee) {
    let run: TraceNode[] = [];
    const close = (): void => {
      if (run.length >= 2) runs.push(summarizeRun(callee, run));
      run = [];
    };
    // A cluster of overlapping calls to this callee ran in parallel: it ends a run.
    for (const cluster of overlapClusters(list)) {
      if (cluster.length === 1) run.push(cluster[0]!);
      else close();
    }
    close();
  }
  return runs.sort((a, b) => b.savingUs - a.savingUs);
}

function summarizeRun(callee: string, run: TraceNode[]): SequentialRun {
  const durations = run.map((c) => c.durationUs);
  const totalUs = durations.reduce((a, b) => a + b, 0);
  const longestUs = Math.max(...durations);
  const fns = new Set(run.map((c) => c.span.tags?.[ANALYZED_TAG.codeFunction]));
  const only = fns.size === 1 ? [...fns][0] : undefined;
  return { callee, functionName: only, calls: run.length, totalUs, longestUs, savingUs: totalUs - longestUs };
}

function parallelGroups(calls: readonly TraceNode[]): ParallelGroup[] {
  return overlapClusters(calls)
    .filter((cluster) => cluster.length >= 2)
    .map((cluster) => ({
      callees: cluster.map(calleeOf).sort(),
      calls: cluster.length,
      wallUs: Math.max(...cluster.map((c) => c.endUs)) - Math.min(...cluster.map((c) => c.startUs)),
      sumUs: cluster.reduce((a, c) => a + c.durationUs, 0),
    }));
}
