/**
 * Lint stage: log lines -> findings, with the decoder's own rules, so a line
 * without an error is a line requestflow reads.
 * Input: the lines of one log (as the tail stage splits them) with their numbers.
 * Output: findings (error or warning, line, field, what is wrong, what was
 * expected, the counter requestflow would bump) and a summary.
 * Errors: request records requestflow rejects (rejected.*), and lines too long
 * to be read at all. Warnings: lines requestflow skips as not being request
 * records (skipped.*: not JSON, no category, ...) and repairs it makes
 * (converted.*). Empty lines are counted, not reported.
 */

import { decodeRecord } from '../decode/decode-record.js';
import type { RejectReason } from '../decode/log-event.js';
import { CONVERSION_MEANINGS, rejectionExpected, rejectionField, SKIP_MEANINGS } from '../decode/reasons.js';
import type { LogRecord } from '../tail/record-joiner.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  /** 1-based line number in its input. */
  line: number;
  severity: Severity;
  /** The counter requestflow bumps for this line, e.g. "rejected.invalid_span_id". */
  code: string;
  /** The field at fault ("context.events[2].timestamp"), or undefined for the whole line. */
  field?: string;
  problem: string;
  expected: string;
}

export interface LintSummary {
  lines: number;
  emptyLines: number;
  /** Events requestflow reads, by category (an aggregated line counts each inner event). */
  records: Record<string, number>;
  errors: number;
  warnings: number;
  /** Errors and warnings by code. */
  errorsByCode: Record<string, number>;
  warningsByCode: Record<string, number>;
}

const SKIP_EXPECTED = 'one JSON object per line with a category; requestflow ignores other lines';
const CATEGORY_EXPECTED = 'a category on every line that belongs to a request; requestflow ignores lines without one';

export class LogLinter {
  private readonly summary: LintSummary = { lines: 0, emptyLines: 0, records: {}, errors: 0, warnings: 0, errorsByCode: {}, warningsByCode: {} };

  constructor(private readonly maxLineBytes: number) {}

  /** Findings of one line (empty for a line requestflow reads as it is). */
  check(line: Pick<LogRecord, 'text' | 'cutFromBytes'>, lineNumber: number): Finding[] {
    this.summary.lines += 1;
    const found: Finding[] = [];
    const add = (f: Omit<Finding, 'line'>) => {
      found.push({ line: lineNumber, ...f });
      const s = this.summary;
      if (f.severity === 'error') s.errors += 1;
      else s.warnings += 1;
      const byCode = f.severity === 'error' ? s.errorsByCode : s.warningsByCode;
      byCode[f.code] = (byCode[f.code] ?? 0) + 1;
    };
    const r = decodeRecord(line.text, line.cutFromBytes);
    if (r.kind === 'skip' && r.reason === 'line_too_long') {
      add({ severity: 'error', code: 'skipped.line_too_long', problem: `the line is ${line.cutFromBytes} bytes long; cut at the limit it is no request record, so requestflow skips it`,
        expected: `at most ${this.maxLineBytes} bytes (limits.maxLineBytes)` });
      return found;
    }
    if (r.truncated) {
      add({ severity: 'warning', code: 'truncated.record', problem: `the line is ${line.cutFromBytes} bytes long; requestflow keeps its first ${this.maxLineBytes} bytes and its span is tagged requestflow.truncated`,
        expected: `at most ${this.maxLineBytes} bytes (limits.maxLineBytes)` });
    }
    if (r.kind === 'skip') {
      if (r.reason === 'empty_line') this.summary.emptyLines += 1;
      else if (r.reason === 'no_category') add({ severity: 'warning', code: 'skipped.no_category', field: 'category', problem: 'no category', expected: CATEGORY_EXPECTED });
      else add({ severity: 'warning', code: `skipped.${r.reason}`, problem: skipProblem(r.reason, line.text), expected: SKIP_EXPECTED });
      return found;
    }
    if (r.kind === 'reject') {
      add(rejection(r.reason, r.detail));
      return found;
    }
    for (const conversion of r.conversions) {
      add({ severity: 'warning', code: `converted.${conversion}`, field: conversion.startsWith('timestamp') ? 'timestamp' : undefined,
        problem: CONVERSION_MEANINGS[conversion], expected: conversion.startsWith('timestamp') ? 'seconds since the epoch as a JSON number' : 'standard JSON' });
    }
    for (const e of r.rejectedEvents ?? []) add(rejection(e.reason, e.detail, e.index));
    for (const event of r.events) this.summary.records[event.category] = (this.summary.records[event.category] ?? 0) + 1;
    return found;
  }

  result(): LintSummary {
    const s = this.summary;
    return { ...s, records: { ...s.records }, errorsByCode: { ...s.errorsByCode }, warningsByCode: { ...s.warningsByCode } };
  }
}

function rejection(reason: RejectReason, detail: string, eventIndex?: number): Omit<Finding, 'line'> {
  return { severity: 'error', code: `rejected.${reason}`, field: rejectionField(reason, eventIndex), problem: detail, expected: rejectionExpected(reason, eventIndex) };
}

/** For text that starts like JSON, JSON.parse's own words say where it breaks. */
function skipProblem(reason: 'not_json' | 'not_an_object', text: string): string {
  if (reason === 'not_an_object') return SKIP_MEANINGS.not_an_object;
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return SKIP_MEANINGS.not_json;
  try {
    JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  return SKIP_MEANINGS.not_json;
}
