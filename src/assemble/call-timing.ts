/**
 * Where a SERVER span's time went, from its own service's logs alone:
 * own time (duration minus the union of its outgoing calls), time in calls,
 * per-callee totals, and runs of sequential calls to one callee that a single
 * batched call could replace, and groups of calls that ran in parallel.
 * Pure; times in microseconds.
 */

export interface Interval {
  startUs: number;
  endUs: number;
}

export interface CallInterval extends Interval {
  callee: string;
}

export interface CalleeTotal {
  callee: string;
  count: number;
  totalUs: number;
}

export interface SequentialRun<T extends CallInterval = CallInterval> {
  callee: string;
  count: number;
  totalUs: number;
  longestUs: number;
  /** What one batched call could save: the run's total minus its longest call. */
  savingUs: number;
  /** The calls of the run, in start order. */
  calls: T[];
}

export interface CallTiming {
  callsUs: number;
  selfUs: number;
  callees: CalleeTotal[];
  sequential: SequentialRun[];
  parallel: ParallelGroup[];
}

/** Calls that overlapped one another: they ran in parallel and count once in callsUs. */
export interface ParallelGroup {
  /** Callees of the group in start order, with repeats. */
  callees: string[];
  /** From the first start to the last end. */
  wallUs: number;
  /** The calls' durations added up: what they would take one after another. */
  sumUs: number;
}

/** Total length of the union of intervals clipped to [fromUs, toUs]. */
export function unionLengthUs(intervals: readonly Interval[], fromUs: number, toUs: number): number {
  // Clipping keeps the start order (max(start, fromUs) never decreases with start).
  const sorted = sortedBy(intervals, byStart);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const c of sorted) {
    const s = Math.max(c.startUs, fromUs);
    const e = Math.min(c.endUs, toUs);
    if (e <= s) continue;
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) {
      curEnd = e;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/**
 * Runs of two or more calls to the same callee, each starting after the previous
 * one ended. Calls to that callee that overlapped one another ran in parallel:
 * they belong to no run and end the one before them.
 */
export function sequentialRuns<T extends CallInterval>(calls: readonly T[]): SequentialRun<T>[] {
  const byCallee = new Map<string, T[]>();
  for (const c of calls) {
    const list = byCallee.get(c.callee);
    if (list) list.push(c);
    else byCallee.set(c.callee, [c]);
  }
  const runs: SequentialRun<T>[] = [];
  for (const [callee, list] of byCallee) {
    if (list.length < 2) continue;
    let run: T[] = [];
    const close = () => {
      if (run.length >= 2) {
        let totalUs = 0;
        let longestUs = 0;
        for (const c of run) {
          const d = c.endUs - c.startUs;
          totalUs += d;
          if (d > longestUs) longestUs = d;
        }
        runs.push({ callee, count: run.length, totalUs, longestUs, savingUs: totalUs - longestUs, calls: run });
      }
      run = [];
    };
    for (const cluster of overlapClusters(list)) {
      if (cluster.length === 1) run.push(cluster[0]!);
      else close();
    }
    close();
  }
  return sortedBy(runs, (a, b) => b.savingUs - a.savingUs);
}

/**
 * Groups intervals into clusters of transitively overlapping ones, in start
 * order. Calls that merely touch (one ends as the next starts) ran one after
 * another and fall into separate clusters.
 */
export function overlapClusters<T extends Interval>(items: readonly T[]): T[][] {
  const sorted = sortedBy(items, byStartThenEnd);
  const clusters: T[][] = [];
  let clusterEnd = -Infinity;
  for (const it of sorted) {
    const current = clusters[clusters.length - 1];
    if (current && it.startUs < clusterEnd) {
      current.push(it);
      clusterEnd = Math.max(clusterEnd, it.endUs);
    } else {
      clusters.push([it]);
      clusterEnd = it.endUs;
    }
  }
  return clusters;
}

export function callTiming(startUs: number, endUs: number, calls: readonly CallInterval[]): CallTiming {
  const callsUs = unionLengthUs(calls, startUs, endUs);
  const totals = new Map<string, CalleeTotal>();
  for (const c of calls) {
    const t = totals.get(c.callee) ?? { callee: c.callee, count: 0, totalUs: 0 };
    t.count += 1;
    t.totalUs += c.endUs - c.startUs;
    totals.set(c.callee, t);
  }
  const parallel: ParallelGroup[] = [];
  for (const g of overlapClusters(calls)) {
    if (g.length < 2) continue;
    let lastEndUs = -Infinity;
    let sumUs = 0;
    for (const c of g) {
      if (c.endUs > lastEndUs) lastEndUs = c.endUs;
      sumUs += c.endUs - c.startUs;
    }
    parallel.push({ callees: g.map((c) => c.callee), wallUs: lastEndUs - g[0]!.startUs, sumUs });
  }
  return {
    callsUs,
    selfUs: Math.max(0, endUs - startUs - callsUs),
    callees: sortedBy([...totals.values()], (a, b) => b.totalUs - a.totalUs),
    sequential: sequentialRuns(calls),
    parallel,
  };
}

const byStart = (a: Interval, b: Interval): number => a.startUs - b.startUs;
const byStartThenEnd = (a: Interval, b: Interval): number => a.startUs - b.startUs || a.endUs - b.endUs;

/** Lists this short are sorted by insertion: Array.prototype.sort allocates scratch space even for two items. */
const INSERTION_SORT_MAX = 32;

/** A sorted copy, stable, like [...items].sort(compare). */
function sortedBy<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  const out = items.slice();
  if (out.length > INSERTION_SORT_MAX) return out.sort(compare);
  for (let i = 1; i < out.length; i++) {
    const x = out[i]!;
    let j = i - 1;
    while (j >= 0 && compare(out[j]!, x) > 0) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}
