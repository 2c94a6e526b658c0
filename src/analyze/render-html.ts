/**
 * `--html FILE`: one self-contained page (inline CSS and SVG, no scripts, no
 * CDN) with the charts a person would rather look at than read: the latency
 * histogram with the p99 line, where the time goes for median vs above-p99
 * requests, the dependency graph, the trace waterfall. In: the reports. Out:
 * an HTML string.
 */
import type { DependencyGraph } from './dependency-analysis.js';
import type { EndpointReport } from './endpoint-analysis.js';
import { fmtMs } from './render-text.js';
import type { TraceReport } from './trace-report.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac', '#e15759'];
const ERROR_COLOUR = '#d62728';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff4f4;border-left:4px solid ${ERROR_COLOUR};padding:8px 12px;white-space:pre-wrap}
svg text{font:12px system-ui,sans-serif}.muted{color:#777}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
<p class="muted">requestflow analyze, ${esc(new Date().toISOString())}</p>
</body></html>
`;
}

function htmlTable(header: string[], rows: (string | number)[][], numeric: boolean[] = []): string {
  const th = header.map((h, i) => `<th${numeric[i] ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${esc(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

// ---- endpoint ---------------------------------------------------------------

export function histogramSvg(durationsMs: readonly number[], p99Ms: number, bins = 40): string {
  const W = 900, H = 260, L = 50, B = 40, T = 20, R = 40;
  if (durationsMs.length === 0) return '';
  const max = Math.max(...durationsMs);
  const min = Math.min(...durationsMs);
  const span = Math.max(max - min, 1e-3);
  const counts = new Array<number>(bins).fill(0);
  for (const d of durationsMs) counts[Math.min(bins - 1, Math.floor(((d - min) / span) * bins))]! += 1;
  const top = Math.max(...counts);
  const x = (ms: number) => L + ((ms - min) / span) * (W - L - R);
  const bw = (W - L - R) / bins;
  const bars = counts.map((c, i) => {
    const h = (c / top) * (H - B - T);
    const from = min + (i / bins) * span;
    return `<rect x="${(L + i * bw).toFixed(1)}" y="${(H - B - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${from + span / bins > p99Ms ? ERROR_COLOUR : PALETTE[0]}"><title>${fmtMs(from)}–${fmtMs(from + span / bins)} ms: ${c}</title></rect>`;
  }).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const ms = min + f * span;
    return `<text x="${x(ms).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${fmtMs(ms)}</text>`;
  }).join('');
  const px = x(p99Ms).toFixed(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="latency histogram">
<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/>${bars}${ticks}
<text x="${L}" y="${T - 6}">requests (max ${top} per bar; red: at or above p99)</text><text x="${W - R}" y="${H - 6}" text-anchor="end">duration, ms</text>
<line x1="${px}" y1="${T}" x2="${px}" y2="${H - B}" stroke="${ERROR_COLOUR}" stroke-width="2" stroke-dasharray="5,3"/>
<text x="${Number(px) + (Number(px) > W * 0.7 ? -4 : 4)}" y="${T + 12}" fill="${ERROR_COLOUR}" text-anchor="${Number(px) > W * 0.7 ? 'end' : 'start'}">p99 ${fmtMs(p99Ms)} ms</text></svg>`;
}

export function timeSplitSvg(r: EndpointReport): string {
  const c = r.comparison;
  if (!c) return '';
  const parts = c.deltas.filter((d) => d.unit === 'ms').map((d) => ({ label: d.kind === 'callee' ? d.component : d.component, median: d.median, slow: d.slow }));
  const W = 900, rowH = 34, L = 130, T = 10;
  const max = Math.max(c.median.meanDurationMs, c.slow.meanDurationMs, 1e-3);
  const scale = (ms: number) => (ms / max) * (W - L - 80);
  const bar = (y: number, key: 'median' | 'slow', label: string, total: number) => {
    let x = L;
    const rects = parts.map((p, i) => {
      const w = scale(Math.max(0, p[key]));
      const r = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(p.label)}: ${fmtMs(p[key])} ms</title></rect>`;
      x += w;
      return r;
    }).join('');
    return `<text x="${L - 8}" y="${y + 17}" text-anchor="end">${esc(label)}</text>${rects}<text x="${(x + 6).toFixed(1)}" y="${y + 17}">${fmtMs(total)} ms</text>`;
  };
  const legend = parts.map((p, i) => `<rect x="${L + i * 130}" y="${T + 2 * rowH + 6}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${L + i * 130 + 16}" y="${T + 2 * rowH + 17}">${esc(p.label)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${T + 3 * rowH + 10}" role="img" aria-label="where the time goes">
${bar(T, 'median', `median (${c.median.count})`, c.median.meanDurationMs)}${bar(T + rowH, 'slow', `>= p99 (${c.slow.count})`, c.slow.meanDurationMs)}${legend}</svg>`;
}

export function renderEndpointHtml(r: EndpointReport): string {
  const title = `Endpoint ${r.service}${r.spanName ? ` ${r.spanName}` : ''}`;
  if (r.requests === 0) return page(title, '<p>No requests found.</p>');
  const d = r.durationMs;
  const body = [
    `<p>${r.requests} requests${r.failed ? `, ${r.failed} failed` : ''}. p50 ${fmtMs(d.p50)} ms, p90 ${fmtMs(d.p90)} ms, p99 ${fmtMs(d.p99)} ms.</p>`,
    '<h2>Latency</h2>', histogramSvg(r.durationsMs, d.p99),
    '<h2>Where the time goes: around the median vs above p99</h2>', timeSplitSvg(r),
    r.comparison ? `<p>${esc(r.comparison.summary)}</p>` : '',
    r.fanOut.length ? `<h2>Calls per request</h2>${htmlTable(['callee', 'mean', 'p50', 'p99'], r.fanOut.map((f) => [f.callee, f.mean.toFixed(1), f.p50, f.p99]), [false, true, true, true])}` : '',
    r.sequential.length ? `<h2>Sequential calls one batched call could replace</h2>${htmlTable(['callee', 'requests', 'calls', 'mean saving ms', 'p99 saving ms'],
      r.sequential.map((s) => [s.callee, s.requests, s.meanCalls.toFixed(1), fmtMs(s.meanSavingMs), fmtMs(s.p99SavingMs)]), [false, true, true, true, true])}` : '',
  ];
  return page(title, body.join('\n'));
}

// ---- dependencies -----------------------------------------------------------

export function dependencyGraphSvg(g: DependencyGraph): string {
  const names = [...new Set(g.edges.flatMap((e) => [e.caller, e.callee]))];
  if (names.length === 0) return '<p>No calls found.</p>';
  // Column = longest call chain from an entry service (cycles cut by a visit bound).
  const col = new Map<string, number>(names.map((n) => [n, 0]));
  for (let pass = 0; pass < names.length; pass++) {
    for (const e of g.edges) {
      if (e.caller !== e.callee && col.get(e.callee)! < col.get(e.caller)! + 1) col.set(e.callee, col.get(e.caller)! + 1);
    }
  }
  const columns = new Map<number, string[]>();
  for (const n of names.sort()) columns.set(col.get(n)!, [...(columns.get(col.get(n)!) ?? []), n]);
  const colW = 380, rowH = 60, nodeW = 170, nodeH = 30, pad = 20;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [c, list] of columns) list.forEach((n, i) => pos.set(n, { x: pad + c * colW, y: pad + i * rowH }));
  const W = pad * 2 + Math.max(...columns.keys()) * colW + nodeW;
  const H = pad * 2 + Math.max(...[...columns.values()].map((l) => l.length)) * rowH;
  const edges = g.edges.map((e) => {
    const a = pos.get(e.caller)!, b = pos.get(e.callee)!;
    const x1 = a.x + nodeW, y1 = a.y + nodeH / 2, x2 = b.x, y2 = b.y + nodeH / 2;
    const colour = e.errors > 0 ? ERROR_COLOUR : '#888';
    const label = `${e.calls} calls${e.errors ? `, ${e.errors} errors` : ''}, p50 ${fmtMs(e.latencyMs.p50)} ms`;
    // Labels sit by the arrow head: every callee box has its own spot.
    return `<path d="M${x1},${y1} C${x1 + 60},${y1} ${x2 - 100},${y2} ${x2},${y2}" fill="none" stroke="${colour}" stroke-width="${Math.min(5, 1 + Math.log10(e.calls + 1))}" marker-end="url(#arrow)"/>` +
      `<text x="${x2 - 12}" y="${y2 - 6}" text-anchor="end" fill="${colour}">${esc(label)}</text>`;
  }).join('\n');
  const logged = new Set([...g.entryServices, ...g.edges.filter((e) => e.calleeLogged).map((e) => e.callee), ...g.edges.map((e) => e.caller)]);
  const nodes = names.map((n) => {
    const p = pos.get(n)!;
    return `<rect x="${p.x}" y="${p.y}" width="${nodeW}" height="${nodeH}" rx="6" fill="${logged.has(n) ? '#e8f0fb' : '#f3f3f3'}" stroke="${logged.has(n) ? PALETTE[0] : '#aaa'}"${logged.has(n) ? '' : ' stroke-dasharray="4,3"'}/>` +
      `<text x="${p.x + nodeW / 2}" y="${p.y + 19}" text-anchor="middle">${esc(n)}</text>`;
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="dependency graph">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>
${edges}
${nodes}</svg>`;
}

export function renderDependenciesHtml(g: DependencyGraph): string {
  const body = [
    `<p>${g.traces} traces. Dashed boxes: callees that write no logs (databases, caches, outside services). Red: calls with errors.</p>`,
    dependencyGraphSvg(g),
    htmlTable(['caller', 'callee', 'calls', 'errors', 'error rate', 'p50 ms', 'p90 ms', 'p99 ms'],
      g.edges.map((e) => [e.caller, e.callee, e.calls, e.errors, `${(e.errorRate * 100).toFixed(1)}%`, fmtMs(e.latencyMs.p50), fmtMs(e.latencyMs.p90), fmtMs(e.latencyMs.p99)]),
      [false, false, true, true, true, true, true, true]),
  ];
  return page('Dependencies', body.join('\n'));
}

// ---- trace ------------------------------------------------------------------

export function waterfallSvg(r: TraceReport): string {
  const W = 1000, L = 380, rowH = 22, T = 10;
  const total = Math.max(r.durationMs, 1e-3);
  const x = (ms: number) => L + (ms / total) * (W - L - 70);
  const rows = r.rows.map((row, i) => {
    const y = T + i * rowH;
    const label = row.kind === 'CLIENT' ? `→ ${row.callee}${row.calleeLogged ? '' : ' (no logs)'}` : `${row.service}: ${row.name}`;
    const fill = row.error ? ERROR_COLOUR : row.kind === 'CLIENT' ? '#9ecae9' : PALETTE[0];
    const w = Math.max(1, x(row.startMs + row.durationMs) - x(row.startMs));
    return `<text x="${8 + row.depth * 12}" y="${y + 15}">${esc(label.slice(0, 48))}</text>` +
      `<rect x="${x(row.startMs).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${fill}"><title>${esc(`${row.name}: ${fmtMs(row.durationMs)} ms, own ${fmtMs(row.ownMs)}${row.networkMs !== undefined ? `, network ${fmtMs(row.networkMs)}` : ''}`)}</title></rect>` +
      `<text x="${(x(row.startMs) + w + 4).toFixed(1)}" y="${y + 15}">${fmtMs(row.durationMs)}</text>`;
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${T * 2 + r.rows.length * rowH}" role="img" aria-label="trace waterfall">
${rows}</svg>`;
}

export function renderTraceHtml(r: TraceReport): string {
  const body = [
    `<p>${r.spans} spans, ${r.services.length} services, ${fmtMs(r.durationMs)} ms, started ${esc(r.startTime)}.</p>`,
    r.failure ? `<h2>Why it failed</h2><pre>${esc(r.failure.summary)}</pre>` : '',
    '<h2>Waterfall</h2>', waterfallSvg(r),
    htmlTable(['span', 'path', 'ms', 'own', 'calls', 'network', 'skew corrected'],
      r.rows.map((x) => [`${'· '.repeat(x.depth)}${x.kind === 'CLIENT' ? `→ ${x.callee}` : `${x.service}: ${x.name}`}`, x.spanPath ?? '', fmtMs(x.durationMs), fmtMs(x.ownMs), fmtMs(x.callsMs), fmtMs(x.networkMs), x.skewMs ? fmtMs(x.skewMs) : '']),
      [false, false, true, true, true, true, true]),
    '<h2>Critical path</h2>',
    htmlTable(['service', 'span', 'time is', 'ms'], r.criticalPath.map((s) => [s.service, s.name, s.what, fmtMs(s.ms)]), [false, false, false, true]),
  ];
  return page(`Trace ${r.traceId}`, body.join('\n'));
}
