/**
 * The end-of-run summary: what was read, what became spans, and every line
 * that did not, by reason. Printed as text, or as one JSON object (--json).
 */
import type { Counters } from './counters.js';

export interface Summary {
  linesRead: number;
  records: Record<string, number>;
  spansExported: number;
  spansSetAside: number;
  spansFailed: number;
  skipped: Record<string, number>;
  rejected: Record<string, number>;
  converted: Record<string, number>;
  incomplete: Record<string, number>;
  truncated: Record<string, number>;
  anomalies: Record<string, number>;
  dropped: Record<string, number>;
}

export function buildSummary(c: Counters): Summary {
  return {
    linesRead: c.get('lines.read'),
    records: c.group('records'),
    spansExported: c.get('export.spans_exported'),
    spansSetAside: c.get('export.spans_set_aside'),
    spansFailed: c.get('dropped.export_failed'),
    skipped: c.group('skipped'),
    rejected: c.group('rejected'),
    converted: c.group('converted'),
    incomplete: c.group('incomplete'),
    truncated: c.group('truncated'),
    anomalies: c.group('anomaly'),
    dropped: c.group('dropped'),
  };
}

/** The longest label ("spans NOT exported:") and a space. */
const LABEL_WIDTH = 20;

export function formatSummary(s: Summary): string {
  const row = (label: string, value: string | number) => `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
  const lines = [
    row('lines read', s.linesRead),
    row('records', `${total(s.records)}${breakdown(s.records)}`),
    row('spans exported', s.spansExported),
  ];
  const extra: [string, Record<string, number>][] = [
    ['lines skipped', s.skipped], ['records rejected', s.rejected], ['values converted', s.converted],
    ['spans incomplete', s.incomplete], ['values cut', s.truncated], ['anomalies', s.anomalies], ['dropped', s.dropped],
  ];
  for (const [label, group] of extra) {
    if (total(group) > 0) lines.push(row(label, `${total(group)}${breakdown(group)}`));
  }
  if (s.spansSetAside) lines.push(row('spans set aside', `${s.spansSetAside} (refused by Zipkin; see the log)`));
  if (s.spansFailed) lines.push(row('spans NOT exported', `${s.spansFailed} (Zipkin unreachable)`));
  return lines.join('\n');
}

function total(g: Record<string, number>): number {
  return Object.values(g).reduce((a, b) => a + b, 0);
}

function breakdown(g: Record<string, number>): string {
  const parts = Object.entries(g).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
