/**
 * One endpoint (a service, optionally one span name) over many traces:
 * latency percentiles, why the slowest requests are slow (the slowest 1%
 * compared part by part with the requests around the median), how many
 * downstream calls a request makes, and call patterns worth fixing.
 * Pure over Zipkin traces; times reported in milliseconds.
 */
import { findCallPatterns } from './call-patterns.js';
import { breakdownRequest, type RequestBreakdown } from './request-breakdown.js';
import { mean, percentile, summarize, usToMs, type Summary } from './stats.js';
import { buildTraceTree, type TraceNode } from './trace-tree.js';
import type { ZipkinSpan } from './zipkin-span.js';

export interface EndpointQuery {
  service: string;
  spanName?: string;
}

export interface CohortStats {
  count: number;
  minMs: number;
  maxMs: number;
  meanDurationMs: number;
  ownMs: number;
  networkMs: number;
  /** Mean critical-path time per direct callee. */
  calleeMs: Record<string, number>;
  /** Mean number of calls per direct callee. */
  calls: Record<string, number>;
}

export interface ComponentDelta {
  /** "own", "network", a callee name, or "calls to <callee>". */
  component: string;
  kind: 'own' | 'network' | 'callee' | 'calls';
  unit: 'ms' | 'calls';
  median: number;
  slow: number;
  delta: number;
}

export interface CohortComparison {
  p40Ms: number;
  p60Ms: number;
  p99Ms: number;
  median: CohortStats;
  slow: CohortStats;
  /** Mean duration of the slow cohort minus that of the median cohort. */
  growthMs: number;
  /** Time parts first (largest growth first), then call counts that changed. */
  deltas: ComponentDelta[];
  /** The time part that grew most. */
  cause?: { component: string; kind: ComponentDelta['kind']; deltaMs: number; shareOfGrowth: number };
  summary: string;
}

export interface FanOut {
  callee: string;
  mean: number;
  p50: number;
  p99: number;
}

export interface SequentialPattern {
  callee: string;
  functionName?: string;
  /** Requests showing the pattern, and their share of all requests. */
  requests: number;
  share: number;
  meanCalls: number;
  meanSavingMs: number;
  p99SavingMs: number;
  /** Mean saving over all requests, relative to the mean duration. */
  shareOfMeanDuration: number;
}

export interface ParallelPattern {
  callees: string[];
  requests: number;
  meanWallMs: number;
  /** What the same calls would take one after another. */
  meanSumMs: number;
}

export interface EndpointReport {
  service: string;
  spanName?: string;
  requests: number;
  /** Spans with no end seen: left out of every number. */
  incomplete: number;
  failed: number;
  spanNames: { name: string; count: number }[];
  durationMs: Summary;
  durationsMs: number[];
  comparison?: CohortComparison;
  fanOut: FanOut[];
  sequential: SequentialPattern[];
  parallel: ParallelPattern[];
}

export function findEndpointSpans(trace: readonly ZipkinSpan[], q: EndpointQuery): { complete: TraceNode[]; incomplete: number } {
  const service = q.service.toLowerCase();
  const name = q.spanName?.toLowerCase();
  const matches = buildTraceTree(trace).nodes.filter((n) =>
    n.kind === 'SERVER' && n.service.toLowerCase() === service && (name === undefined || n.name.toLowerCase() === name));
  return { complete: matches.filter((n) => !n.incomplete), incomplete: matches.filter((n) => n.incomplete).length };
}

export function analyzeEndpoint(traces: readonly (readonly ZipkinSpan[])[], q: EndpointQuery): EndpointReport {
  const spans: TraceNode[] = [];
  let incomplete = 0;
  for (const t of traces) {
    const found = findEndpointSpans(t, q);
    spans.push(...found.complete);
    incomplete += found.incomplete;
  }
  const requests = spans.map(breakdownRequest);
  const durationsMs = requests.map((r) => usToMs(r.durationUs));
  const names = new Map<string, number>();
  for (const s of spans) names.set(s.name, (names.get(s.name) ?? 0) + 1);
  return {
    service: q.service,
    spanName: q.spanName,
    requests: requests.length,
    incomplete,
    failed: requests.filter((r) => r.failed).length,
    spanNames: [...names].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
    durationMs: summarize(durationsMs),
    durationsMs,
    comparison: requests.length > 0 ? compareCohorts(requests) : undefined,
    fanOut: fanOut(requests),
    ...callPatterns(spans),
  };
}

/**
 * Slow cohort: duration at or above p99 (the slowest 1%, at least one
 * request). Median cohort: p40..p60. Both nearest-rank, so never empty.
 */
export function compareCohorts(requests: readonly RequestBreakdown[]): CohortComparison {
  const durations = requests.map((r) => r.durationUs);
  const p40 = percentile(durations, 40);
  const p60 = percentile(durations, 60);
  const p99 = percentile(durations, 99);
  const median = cohortStats(requests.filter((r) => r.durationUs >= p40 && r.durationUs <= p60));
  const slow = cohortStats(requests.filter((r) => r.durationUs >= p99));
  const growthMs = slow.meanDurationMs - median.meanDurationMs;

  const own: ComponentDelta = { component: 'own', kind: 'own', unit: 'ms', median: median.ownMs, slow: slow.ownMs, delta: slow.ownMs - median.ownMs };
  const network: ComponentDelta = { component: 'network', kind: 'network', unit: 'ms', median: median.networkMs, slow: slow.networkMs, delta: slow.networkMs - median.networkMs };
  const time: ComponentDelta[] = [
    own,
    network,
    ...unionKeys(median.calleeMs, slow.calleeMs).map((callee): ComponentDelta => {
      const m = median.calleeMs[callee] ?? 0;
      const s = slow.calleeMs[callee] ?? 0;
      return { component: callee, kind: 'callee', unit: 'ms', median: m, slow: s, delta: s - m };
    }),
  ].sort((a, b) => b.delta - a.delta);
  const counts = unionKeys(median.calls, slow.calls).map((callee): ComponentDelta => {
    const m = median.calls[callee] ?? 0;
    const s = slow.calls[callee] ?? 0;
    return { component: `calls to ${callee}`, kind: 'calls', unit: 'calls', median: m, slow: s, delta: s - m };
  }).filter((d) => Math.abs(d.delta) >= 0.05);

  const top = time[0];
  const cause = top && top.delta > 0
    ? { component: top.component, kind: top.kind, deltaMs: top.delta, shareOfGrowth: growthMs > 0 ? top.delta / growthMs : 0 }
    : undefined;
  return {
    p40Ms: usToMs(p40), p60Ms: usToMs(p60), p99Ms: usToMs(p99),
    median, slow, growthMs, deltas: [...time, ...counts], cause,
    summary: comparisonSummary(median, slow, growthMs, time, counts),
  };
}

function cohortStats(cohort: readonly RequestBreakdown[]): CohortStats {
  const calleeMs: Record<string, number> = {};
  const calls: Record<string, number> = {};
  for (const callee of unionKeys(...cohort.map((r) => r.calleeUs))) {
    calleeMs[callee] = usToMs(mean(cohort.map((r) => r.calleeUs[callee] ?? 0)));
    calls[callee] = mean(cohort.map((r) => r.calls[callee] ?? 0));
  }
  const durations = cohort.map((r) => usToMs(r.durationUs));
  return {
    count: cohort.length,
    minMs: Math.min(...durations),
    maxMs: Math.max(...durations),
    meanDurationMs: mean(durations),
    ownMs: usToMs(mean(cohort.map((r) => r.ownUs))),
    networkMs: usToMs(mean(cohort.map((r) => r.networkUs))),
    calleeMs,
    calls,
  };
}

function comparisonSummary(median: CohortStats, slow: CohortStats, growthMs: number, time: ComponentDelta[], counts: ComponentDelta[]): string {
  const head = `The requests at or above p99 (${slow.count}, mean ${slow.meanDurationMs.toFixed(1)} ms) take ` +
    `${growthMs.toFixed(1)} ms longer than requests around the median (${median.count}, mean ${median.meanDurationMs.toFixed(1)} ms).`;
  if (growthMs <= 0) return head;
  const grown = time.filter((d) => d.delta > 0 && d.delta >= growthMs * 0.1).slice(0, 3)
    .map((d) => `${d.kind === 'callee' ? `time in ${d.component}` : d.component} +${d.delta.toFixed(1)} ms (${Math.round((d.delta / growthMs) * 100)}%)`);
  const more = counts.filter((d) => d.delta > 0).slice(0, 2)
    .map((d) => `${d.component} ${d.median.toFixed(1)} → ${d.slow.toFixed(1)} per request`);
  return [head, grown.length ? `Grew: ${grown.join(', ')}.` : '', more.length ? `More calls: ${more.join(', ')}.` : '']
    .filter(Boolean).join(' ');
}

function fanOut(requests: readonly RequestBreakdown[]): FanOut[] {
  const callees = unionKeys(...requests.map((r) => r.calls));
  const rows = callees.map((callee) => {
    const counts = requests.map((r) => r.calls[callee] ?? 0);
    return { callee, mean: mean(counts), p50: percentile(counts, 50), p99: percentile(counts, 99) };
  });
  const totals = requests.map((r) => Object.values(r.calls).reduce((a, b) => a + b, 0));
  if (rows.length > 1) rows.push({ callee: '(all)', mean: mean(totals), p50: percentile(totals, 50), p99: percentile(totals, 99) });
  return rows.sort((a, b) => b.mean - a.mean);
}

function callPatterns(spans: readonly TraceNode[]): { sequential: SequentialPattern[]; parallel: ParallelPattern[] } {
  const seq = new Map<string, { callee: string; fns: Set<string | undefined>; calls: number[]; savings: number[] }>();
  const par = new Map<string, { callees: string[]; walls: number[]; sums: number[] }>();
  for (const span of spans) {
    const patterns = findCallPatterns(span);
    // Several runs to one callee in one request add up: the request could batch each.
    const perCallee = new Map<string, { calls: number; savingUs: number; fns: (string | undefined)[] }>();
    for (const run of patterns.sequential) {
      const acc = perCallee.get(run.callee) ?? { calls: 0, savingUs: 0, fns: [] };
      acc.calls += run.calls;
      acc.savingUs += run.savingUs;
      acc.fns.push(run.functionName);
      perCallee.set(run.callee, acc);
    }
    for (const [callee, acc] of perCallee) {
      const agg = seq.get(callee) ?? { callee, fns: new Set(), calls: [], savings: [] };
      agg.calls.push(acc.calls);
      agg.savings.push(usToMs(acc.savingUs));
      acc.fns.forEach((f) => agg.fns.add(f));
      seq.set(callee, agg);
    }
    for (const group of patterns.parallel) {
      const key = group.callees.join(' ‖ ');
      const agg = par.get(key) ?? { callees: group.callees, walls: [], sums: [] };
      agg.walls.push(usToMs(group.wallUs));
      agg.sums.push(usToMs(group.sumUs));
      par.set(key, agg);
    }
  }
  const meanDurationMs = mean(spans.map((s) => usToMs(s.durationUs)));
  const sequential = [...seq.values()].map((a): SequentialPattern => ({
    callee: a.callee,
    functionName: a.fns.size === 1 ? [...a.fns][0] : undefined,
    requests: a.savings.length,
    share: a.savings.length / spans.length,
    meanCalls: mean(a.calls),
    meanSavingMs: mean(a.savings),
    p99SavingMs: percentile(a.savings, 99),
    shareOfMeanDuration: a.savings.reduce((x, y) => x + y, 0) / spans.length / meanDurationMs,
  })).sort((a, b) => b.meanSavingMs * b.requests - a.meanSavingMs * a.requests);
  const parallel = [...par.values()].map((a): ParallelPattern => ({
    callees: a.callees, requests: a.walls.length, meanWallMs: mean(a.walls), meanSumMs: mean(a.sums),
  })).sort((a, b) => b.requests - a.requests);
  return { sequential, parallel };
}

function unionKeys(...records: Record<string, number>[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
}
