/**
 * Where a SERVER span's time went, from its own service's logs alone:
 * own time (duration minus the union of its outgoing calls), time in calls,
 * per-callee totals, and runs of sequential calls to one callee that a single
 * batched call could replace. Pure; times in microseconds.
 */

export interface CallInterval {
  callee: string;
  startUs: number;
  endUs: number;
}

export interface CalleeTotal {
  callee: string;
  count: number;
  totalUs: number;
}

export interface SequentialRun {
  callee: string;
  count: number;
  totalUs: number;
  /** What one batched call could save: the run's total minus its longest call. */
  savingUs: number;
}

export interface CallTiming {
  callsUs: number;
  selfUs: number;
  callees: CalleeTotal[];
  sequential: SequentialRun[];
}

/** Total length of the union of intervals clipped to [fromUs, toUs]. */
export function unionLengthUs(intervals: readonly CallInterval[], fromUs: number, toUs: number): number {
  const clipped = intervals
    .map((c) => [Math.max(c.startUs, fromUs), Math.min(c.endUs, toUs)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [s, e] of clipped) {
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
 * one ended. Overlapping calls are parallel and break a run.
 */
export function sequentialRuns(calls: readonly CallInterval[]): SequentialRun[] {
  const byCallee = new Map<string, CallInterval[]>();
  for (const c of calls) {
    const list = byCallee.get(c.callee);
    if (list) list.push(c);
    else byCallee.set(c.callee, [c]);
  }
  const runs: SequentialRun[] = [];
  for (const [callee, list] of byCallee) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.startUs - b.startUs);
    let run: CallInterval[] = [list[0]!];
    const close = () => {
      if (run.length >= 2) {
        const durations = run.map((c) => c.endUs - c.startUs);
        const totalUs = durations.reduce((a, b) => a + b, 0);
        runs.push({ callee, count: run.length, totalUs, savingUs: totalUs - Math.max(...durations) });
      }
    };
    for (const c of list.slice(1)) {
      const prev = run[run.length - 1]!;
      if (c.startUs >= prev.endUs) {
        run.push(c);
      } else {
        // Overlaps the previous call: they ran in parallel, so the sequential run ends here.
        close();
        run = [c];
      }
    }
    close();
  }
  return runs.sort((a, b) => b.savingUs - a.savingUs);
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
  return {
    callsUs,
    selfUs: Math.max(0, endUs - startUs - callsUs),
    callees: [...totals.values()].sort((a, b) => b.totalUs - a.totalUs),
    sequential: sequentialRuns(calls),
  };
}
