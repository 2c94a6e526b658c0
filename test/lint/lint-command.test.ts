// `requestflow lint` through the real binary: exit codes, stdin, JSON, the
// README's example output, and agreement with the daemon itself: on the same
// input, lint's errors are exactly the records `requestflow --once` rejects,
// its skip warnings the lines it skips, and its records the records it reads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fixtures, repoRoot, runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

const LINT_FIXTURE = 'test/fixtures/lint/checkout-service.log';
const LEGACY = ['flat-single-service.ndjson', 'aggregated-two-services.ndjson', 'request-end-variants.ndjson'].map((f) => `test/fixtures/legacy/${f}`);

t.test('the fixture: exit 1, each fault on its line, the summary', async (t) => {
  const r = await runRequestflow(['lint', LINT_FIXTURE]);
  t.equal(r.code, 1, 'errors: exit 1');
  // Where the faults were planted (see the fixture), by line.
  const planted: Array<[line: number, severity: string, code: string]> = [
    [4, 'warning', 'skipped.not_json'],
    [5, 'warning', 'converted.timestamp_from_milliseconds'],
    [6, 'error', 'rejected.invalid_span_id'],
    [7, 'warning', 'skipped.no_category'],
    [8, 'error', 'rejected.missing_dependency_span_id'],
    [9, 'error', 'rejected.missing_tracking_id'],
    [10, 'warning', 'skipped.not_json'],
  ];
  const found = [...r.stdout.matchAll(/^test\/fixtures\/lint\/checkout-service\.log:(\d+): (error|warning) \[([a-z_.]+)\]/gm)].map((m) => [Number(m[1]), m[2], m[3]]);
  t.same(found, planted);
  t.match(r.stdout, /checkout-service\.log: 10 lines, 6 records read, 3 errors, 4 warnings/);
});

t.test("the README's example output is what the fixture gives", async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("## Checking a service's logs: requestflow lint"));
  const m = /```text\n\$ requestflow lint (\S+)\n([\s\S]*?)```/.exec(section);
  t.ok(m, 'the section has an example');
  if (!m) return;
  t.equal(m[1], LINT_FIXTURE);
  const r = await runRequestflow(['lint', m[1]]);
  t.equal(r.stdout, m[2]);
});

t.test('clean input: exit 0; stdin; --strict fails on warnings', async (t) => {
  for (const file of LEGACY) {
    const r = await runRequestflow(['lint', file]);
    t.match(r.stdout, / 0 errors,/, file);
    t.equal(r.code, 0, `${file}: no errors, exit 0`);
  }
  // flat-single-service has a line without category: a warning.
  const strict = await runRequestflow(['lint', '--strict', LEGACY[0]]);
  t.equal(strict.code, 1, '--strict: warnings fail');
  const stdin = await runRequestflow(['lint', '-'], { stdin: readFileSync(join(repoRoot, LINT_FIXTURE)) });
  t.equal(stdin.code, 1);
  t.match(stdin.stdout, /^<stdin>:6: error \[rejected\.invalid_span_id\]/m);
});

t.test('--json, --max-findings, and an unreadable input', async (t) => {
  const r = await runRequestflow(['lint', '--json', '--max-findings', '2', LINT_FIXTURE]);
  const out = JSON.parse(r.stdout);
  t.equal(out.errors, 3);
  t.equal(out.warnings, 4);
  t.equal(out.inputs[0].findings.length, 2, 'kept 2 findings');
  t.equal(out.inputs[0].findingsNotShown, 5);
  t.same(out.inputs[0].findings[0], {
    line: 4, severity: 'warning', code: 'skipped.not_json',
    problem: 'not JSON', expected: 'one JSON object per line with a category; requestflow ignores other lines',
  });
  const missing = await runRequestflow(['lint', join(tmpdir(), 'requestflow-no-such-file.log')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read .*no-such-file/);
});

t.test('limits.maxLineBytes comes from the layered config: file < REQUESTFLOW_* < --set', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-lint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'c.yaml');
  writeFileSync(config, 'limits:\n  maxLineBytes: 1024\n');
  // The message first: cut at the limit, no request record is left (an error, not a kept record).
  const lineOf = (messageBytes: number) => `${JSON.stringify({ message: 'x'.repeat(messageBytes), category: 'application', tracking_id: 'a', span_id: '1', service_name: 's', timestamp: 1764511620.5 })}\n`;
  const short = join(dir, 'long.log');
  writeFileSync(short, lineOf(2000)); // about 2 KB: over 1024, under the default 1 MiB
  const huge = join(dir, 'huge.log');
  writeFileSync(huge, lineOf(1_200_000)); // about 1.2 MB: over the default 1 MiB
  const noEnv = { REQUESTFLOW_LIMITS_MAX_LINE_BYTES: undefined };
  const rows: Array<{ name: string; args: string[]; env?: Record<string, string | undefined>; file: string; tooLong: boolean }> = [
    { name: 'default 1 MiB: a 2 KB line is fine', args: [], file: short, tooLong: false },
    { name: '--config file: 1024', args: ['--config', config], file: short, tooLong: true },
    { name: '--set: 1024', args: ['--set', 'limits.maxLineBytes=1024'], file: short, tooLong: true },
    { name: 'REQUESTFLOW_LIMITS_MAX_LINE_BYTES: 1024', args: [], env: { REQUESTFLOW_LIMITS_MAX_LINE_BYTES: '1024' }, file: short, tooLong: true },
    { name: '--set over the file: 4096 beats 1024', args: ['--config', config, '--set', 'limits.maxLineBytes=4096'], file: short, tooLong: false },
    { name: 'default 1 MiB: a 1.2 MB line is too long', args: [], file: huge, tooLong: true },
    { name: '--set raises the limit: 10000000', args: ['--set', 'limits.maxLineBytes=10000000'], file: huge, tooLong: false },
  ];
  for (const row of rows) {
    const r = await runRequestflow(['lint', ...row.args, row.file], { env: { ...noEnv, ...row.env } });
    t.equal(r.code, row.tooLong ? 1 : 0, `${row.name}: exit ${row.tooLong ? 1 : 0} (${r.stderr.trim()})`);
    if (row.tooLong) t.match(r.stdout, /\.log:1: error \[skipped\.line_too_long\] the line is \d+ bytes long/, `${row.name}: the line is reported`);
    else t.notMatch(r.stdout, /line_too_long/, `${row.name}: no line_too_long`);
  }
});

t.test('a wrong key in --set or REQUESTFLOW_* is a usage error (exit 2), as for the daemon', async (t) => {
  const rows: Array<{ args: string[]; env?: Record<string, string>; message: RegExp }> = [
    { args: ['--set', 'bogus.key=1'], message: /--set bogus\.key: unknown key bogus\.key/ },
    { args: ['--set', 'limits.maxLineByte=4096'], message: /unknown key limits\.maxLineByte \(did you mean limits\.maxLineBytes\?\)/ },
    { args: ['--set', 'limits.maxLineBytes=lots'], message: /--set limits\.maxLineBytes: limits\.maxLineBytes/ },
    { args: [], env: { REQUESTFLOW_LIMITS_MAX_LINE_BYTE: '4096' }, message: /REQUESTFLOW_LIMITS_MAX_LINE_BYTE is not a configuration key/ },
  ];
  for (const row of rows) {
    const r = await runRequestflow(['lint', ...row.args, LINT_FIXTURE], { env: row.env });
    t.equal(r.code, 2, `${[...row.args, ...Object.keys(row.env ?? {})].join(' ')}: exit 2`);
    t.match(r.stderr, row.message);
    t.equal(r.stdout, '', 'nothing linted');
  }
});

t.test('lint agrees with the daemon on every input', async (t) => {
  const zipkinUrl = spansUrl(zipkinBaseUrl());
  for (const file of [...LEGACY, LINT_FIXTURE]) {
    const lint = JSON.parse((await runRequestflow(['lint', '--json', file])).stdout).inputs[0].summary;
    const run = await runRequestflow(['--once', '--json', '--zipkin-url', zipkinUrl, file]);
    t.equal(run.code, 0, `${file}: exported`);
    const daemon = JSON.parse(run.stdout);
    const { empty_line: _empty, ...skipped } = daemon.skipped as Record<string, number>;
    const pick = (counts: Record<string, number>, prefix: string) =>
      Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    t.same(pick(lint.errorsByCode, 'rejected.'), daemon.rejected, `${file}: errors = rejected records`);
    t.same(pick(lint.warningsByCode, 'skipped.'), skipped, `${file}: skip warnings = skipped lines`);
    t.same(pick(lint.warningsByCode, 'converted.'), daemon.converted, `${file}: conversion warnings = conversions`);
    t.same(lint.records, daemon.records, `${file}: the same records`);
  }
});

t.test('a record over the limit that is still a request record when cut: a warning, as the daemon keeps it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-lint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'long.log');
  writeFileSync(log, `${JSON.stringify({ category: 'application', tracking_id: 'a', span_id: '1', service_name: 's', timestamp: 1764511620.5, message: 'x'.repeat(2000) })}\n`);
  const r = await runRequestflow(['lint', '--set', 'limits.maxLineBytes=1024', log]);
  t.equal(r.code, 0, 'no error');
  t.match(r.stdout, /long\.log:1: warning \[truncated\.record\] the line is 2\d{3} bytes long; requestflow keeps its first 1024 bytes/);
});
