/**
 * Lint output: two lines per finding ("file:line: severity [code] field:
 * problem", then what was expected) and a summary per input.
 */

import type { Finding, LintSummary } from './lint-lines.js';

export interface InputReport {
  input: string;
  findings: Finding[];
  /** Findings not kept because the input had more than maxFindings. */
  findingsNotShown: number;
  summary: LintSummary;
}

export function formatFinding(input: string, f: Finding): string {
  const where = f.field === undefined ? '' : `${f.field}: `;
  return `${input}:${f.line}: ${f.severity} [${f.code}] ${where}${f.problem}\n    expected: ${f.expected}`;
}

export function formatSummary(r: InputReport): string {
  const s = r.summary;
  const records = Object.values(s.records).reduce((a, b) => a + b, 0);
  const lines = [`${r.input}: ${s.lines} ${plural(s.lines, 'line')}, ${records} ${plural(records, 'record')} read, ${s.errors} ${plural(s.errors, 'error')}, ${s.warnings} ${plural(s.warnings, 'warning')}`];
  const errors = countsText(s.errorsByCode);
  const warnings = countsText(s.warningsByCode);
  if (errors) lines.push(`  errors:   ${errors}`);
  if (warnings) lines.push(`  warnings: ${warnings}`);
  if (r.findingsNotShown > 0) lines.push(`  (${r.findingsNotShown} more findings not shown; --max-findings raises the limit)`);
  return lines.join('\n');
}

export function formatText(reports: InputReport[]): string {
  const out: string[] = [];
  for (const r of reports) for (const f of r.findings) out.push(formatFinding(r.input, f));
  if (out.length) out.push('');
  for (const r of reports) out.push(formatSummary(r));
  if (reports.length > 1) {
    const errors = reports.reduce((n, r) => n + r.summary.errors, 0);
    const warnings = reports.reduce((n, r) => n + r.summary.warnings, 0);
    out.push(`total: ${reports.length} inputs, ${errors} ${plural(errors, 'error')}, ${warnings} ${plural(warnings, 'warning')}`);
  }
  return out.join('\n');
}

function countsText(counts: Record<string, number>): string {
  return Object.keys(counts).sort().map((code) => `${code} ${counts[code]}`).join(', ');
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
