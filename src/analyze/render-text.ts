/**
 * Text output of `requestflow analyze`: aligned tables a person reads in a
 * terminal or pastes into a ticket. In: the reports (plain data). Out: one
 * string. Times in ms with one decimal (the data has microseconds; --json
 * keeps them).
 */
import type { DependencyGraph } from './dependency-analysis.js';
import type { EndpointReport } from './endpoint-analysis.js';
import type { TraceReport } from './trace-report.js';

const BAR_WIDTH = 32;

export function table(header: string[], rows: (string | number)[][], alignRight: boolean[] = []): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

export const fmtMs = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '' : ms.toFixed(1));
const fmtN = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function renderTraceText(r: TraceReport): string {
  const total = Math.max(r.durationMs, 0.001);
  const skewAbove: number[] = [];
  const rows = r.rows.map((row) => {
    // Note a skew correction only where it was detected, not on every span that moved with it.
    skewAbove[row.depth] = row.skewMs;
    const movedHere = row.skewMs !== (row.depth > 0 ? skewAbove[row.depth - 1] : 0);
    const from = Math.floor((row.startMs / total) * BAR_WIDTH);
    const len = Math.max(1, Math.round((row.durationMs / total) * BAR_WIDTH));
    const bar = ' '.repeat(Math.min(from, BAR_WIDTH - 1)) + (row.error ? '!' : '=').repeat(Math.min(len, BAR_WIDTH - from));
    const label = row.kind === 'CLIENT' ? `→ ${row.name}${row.calleeLogged ? '' : ' (no logs)'}` : `${row.service}: ${row.name}`;
    const notes = [
      row.error ? `ERROR ${row.error}` : '',
      movedHere ? `clock skew corrected: moved ${row.skewMs > 0 ? '+' : ''}${fmtMs(row.skewMs)} ms` : '',
      row.incomplete ? 'incomplete' : '',
    ].filter(Boolean).join('; ');
    return [`${'  '.repeat(row.depth)}${label}`, row.spanPath ?? '', bar.padEnd(BAR_WIDTH), fmtMs(row.startMs), fmtMs(row.durationMs),
      fmtMs(row.ownMs), fmtMs(row.callsMs), fmtMs(row.networkMs), notes];
  });
  const out = [
    `trace ${r.traceId}${r.requestId && r.requestId !== r.traceId ? ` (request id ${r.requestId})` : ''}: ${r.spans} spans, ` +
      `${r.services.length} services, ${fmtMs(r.durationMs)} ms, started ${r.startTime}`,
    '',
    table(['span', 'path', 'timeline', 'start', 'ms', 'own', 'calls', 'network', 'notes'], rows,
      [false, false, false, true, true, true, true, true, false]),
    '',
    'critical path (what decided the end time):',
    table(['service', 'span', 'path', 'time is', 'ms'],
      r.criticalPath.map((s) => [s.service, s.name, s.spanPath ?? '', s.what, fmtMs(s.ms)]), [false, false, false, false, true]),
  ];
  if (r.failure) out.push('', 'failure:', r.failure.summary);
  return out.join('\n');
}

export function renderEndpointText(r: EndpointReport): string {
  const out = [
    `endpoint ${r.service}${r.spanName ? ` ${r.spanName}` : ''}: ${r.requests} requests` +
      `${r.failed ? `, ${r.failed} failed` : ''}${r.incomplete ? `, ${r.incomplete} incomplete (left out)` : ''}`,
  ];
  if (r.requests === 0) return out.join('\n');
  const d = r.durationMs;
  out.push('', table(['duration ms', 'p50', 'p90', 'p99', 'mean', 'max'],
    [['', fmtMs(d.p50), fmtMs(d.p90), fmtMs(d.p99), fmtMs(d.mean), fmtMs(d.max)]], [false, true, true, true, true, true]));
  if (r.spanNames.length > 1) {
    out.push('', table(['span name', 'requests'], r.spanNames.map((s) => [s.name, s.count]), [false, true]));
  }
  const c = r.comparison;
  if (c) {
    out.push('', `where the time goes: requests around the median (p40..p60, ${c.median.count}) vs above p99 (${c.slow.count}):`,
      table(['part', 'median', '>= p99', 'change'], c.deltas.map((x) => [
        x.kind === 'callee' ? `time in ${x.component}` : x.component,
        x.unit === 'ms' ? fmtMs(x.median) : fmtN(x.median), x.unit === 'ms' ? fmtMs(x.slow) : fmtN(x.slow),
        `${x.delta >= 0 ? '+' : ''}${x.unit === 'ms' ? fmtMs(x.delta) : fmtN(x.delta)}${x.unit === 'ms' ? ' ms' : ' calls'}`,
      ]), [false, true, true, true]),
      c.summary);
  }
  if (r.fanOut.length) {
    out.push('', 'calls per request (fan-out):',
      table(['callee', 'mean', 'p50', 'p99'], r.fanOut.map((f) => [f.callee, fmtN(f.mean), fmtN(f.p50), fmtN(f.p99)]), [false, true, true, true]));
  }
  if (r.sequential.length) {
    out.push('', 'sequential calls one batched call could replace:',
      table(['callee', 'function', 'requests', 'calls', 'saving ms (mean)', 'saving ms (p99)', 'of mean duration'],
        r.sequential.map((s) => [s.callee, s.functionName ?? '', `${s.requests} (${pct(s.share)})`, fmtN(s.meanCalls),
          fmtMs(s.meanSavingMs), fmtMs(s.p99SavingMs), pct(s.shareOfMeanDuration)]),
        [false, false, true, true, true, true, true]));
  }
  if (r.parallel.length) {
    out.push('', 'calls made in parallel:',
      table(['callees', 'requests', 'wall ms', 'one after another ms'],
        r.parallel.map((p) => [p.callees.join(' ‖ '), p.requests, fmtMs(p.meanWallMs), fmtMs(p.meanSumMs)]), [false, true, true, true]));
  }
  return out.join('\n');
}

export function renderDependenciesText(g: DependencyGraph): string {
  const out = [`dependencies from ${g.traces} traces; entry services: ${g.entryServices.join(', ') || '(none)'}`, ''];
  out.push(table(['caller', 'callee', 'calls', 'errors', 'error rate', 'p50 ms', 'p90 ms', 'p99 ms', 'network p50 ms', 'callee logs'],
    g.edges.map((e) => [e.caller, e.callee, e.calls, e.errors, pct(e.errorRate), fmtMs(e.latencyMs.p50), fmtMs(e.latencyMs.p90),
      fmtMs(e.latencyMs.p99), fmtMs(e.networkMs?.p50), e.calleeLogged ? 'yes' : 'no']),
    [false, false, true, true, true, true, true, true, true, false]));
  return out.join('\n');
}
