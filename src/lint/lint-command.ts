/**
 * `requestflow lint [files|-]`: reads each input with the tail stage's record
 * decoder (CRI, Docker or plain, the same record limit as the daemon), runs every record through
 * LogLinter and prints the findings and a summary (text, or JSON with --json).
 * Sets the exit code for main.ts: 0 no errors, 1 errors (or, with --strict,
 * warnings), 2 bad usage, config or an unreadable input.
 */

import type { Argv } from 'yargs';
import { asList, configOptions, type RegisterCommands, type Subcommands } from '../cli.js';
import { runFlags } from '../config/commands.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { Counters } from '../observe/counters.js';
import { readOnce } from '../tail/read-once.js';
import { LogLinter } from './lint-lines.js';
import { formatText, type InputReport } from './lint-report.js';

export const DEFAULT_MAX_FINDINGS = 100;

export interface LintOptions {
  maxLineBytes: number;
  /** How the input is wrapped (CRI, Docker, plain); auto detects it. */
  format: Config['tail']['format'];
  /** Findings kept per input; the summary still counts all. */
  maxFindings: number;
}

/** Lints one input (a file, or "-" for stdin). Throws when it cannot be read. */
export async function lintInput(input: string, opts: LintOptions): Promise<InputReport> {
  const linter = new LogLinter(opts.maxLineBytes);
  const report: InputReport = { input: input === '-' ? '<stdin>' : input, findings: [], findingsNotShown: 0, summary: linter.result() };
  let lineNumber = 0;
  await readOnce(input, { format: opts.format, maxRecordBytes: opts.maxLineBytes, counters: new Counters() }, (lines) => {
    for (const line of lines) {
      for (const f of linter.check(line, ++lineNumber)) {
        if (report.findings.length < opts.maxFindings) report.findings.push(f);
        else report.findingsNotShown += 1;
      }
    }
  });
  report.summary = linter.result();
  return report;
}

export const registerLint: RegisterCommands = (y: Argv) =>
  y.command(
    'lint [files..]',
    "check a service's log lines against the request log format, with the daemon's own rules",
    (c) => configOptions(c
      .positional('files', { type: 'string', array: true, describe: 'log files to check; "-" (or none) reads stdin' })
      .option('json', { type: 'boolean', default: false, describe: 'print the findings and counts as one JSON object' }))
      .option('max-findings', { type: 'number', default: DEFAULT_MAX_FINDINGS, describe: 'findings printed per input (the summary counts all)' })
      .option('strict', { type: 'boolean', default: false, describe: 'also fail (exit 1) on warnings: skipped lines and repaired values' })
      .example('$0 lint app.log', 'check a log file: exit 1 when requestflow would reject a line')
      .example('my-service 2>&1 | $0 lint -', "check a service's output as it runs")
      .example('$0 lint --json app.log | jq .inputs[0].summary', 'the findings as JSON'),
    async (a) => {
      process.exitCode = await runLint({
        files: (a.files as string[] | undefined) ?? [],
        config: a.config as string | undefined,
        set: asList(a.set),
        json: Boolean(a.json),
        strict: Boolean(a.strict),
        maxFindings: Number(a['max-findings']),
      });
    },
  );

export const lintCommand: Subcommands = { names: ['lint'], register: registerLint };

export async function runLint(args: { files: string[]; config?: string; set?: string[]; json: boolean; strict: boolean; maxFindings: number }): Promise<number> {
  let maxLineBytes: number;
  let format: Config['tail']['format'];
  try {
    // The daemon's layers (file < REQUESTFLOW_* < --set), so lint reads lines the way the daemon would.
    const config = loadConfig({ file: args.config, flags: runFlags({ set: args.set }) });
    maxLineBytes = config.limits.maxLineBytes;
    format = config.tail.format;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`requestflow lint: ${e.message}\n`);
    return 2;
  }
  if (!Number.isInteger(args.maxFindings) || args.maxFindings < 0) {
    process.stderr.write('requestflow lint: --max-findings must be a whole number >= 0\n');
    return 2;
  }
  const inputs = args.files.length ? args.files : ['-'];
  if (inputs.includes('-') && process.stdin.isTTY) {
    process.stderr.write('requestflow lint: name log files, or pipe a log into "requestflow lint -"\n');
    return 2;
  }
  const reports: InputReport[] = [];
  let unreadable = false;
  for (const input of inputs) {
    try {
      reports.push(await lintInput(input, { maxLineBytes, format, maxFindings: args.maxFindings }));
    } catch (e) {
      unreadable = true;
      process.stderr.write(`requestflow lint: cannot read ${input}: ${(e as Error).message}\n`);
    }
  }
  const errors = reports.reduce((n, r) => n + r.summary.errors, 0);
  const warnings = reports.reduce((n, r) => n + r.summary.warnings, 0);
  process.stdout.write(args.json
    ? `${JSON.stringify({ inputs: reports, errors, warnings })}\n`
    : `${formatText(reports)}\n`);
  if (unreadable) return 2;
  return errors > 0 || (args.strict && warnings > 0) ? 1 : 0;
}
