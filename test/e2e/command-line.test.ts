// The command line of the real binary: --help, exit codes, and --once
// failing loudly when Zipkin cannot be reached.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/zipkin-server.js';
import { fixtures, runRequestflow, spawnRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

const dir = mkdtempSync(join(tmpdir(), 'rf-cli-'));
const flat = join(fixtures, 'legacy', 'flat-single-service.ndjson');

t.test('--help lists the options and examples', async (t) => {
  const r = await runRequestflow(['--help']);
  t.equal(r.code, 0);
  for (const s of ['--once', '--zipkin-url', '--config', '--json', 'Examples:']) t.match(r.stdout, s);
});

t.test('no input is a usage error (exit 2)', async (t) => {
  const r = await runRequestflow(['--once']);
  t.equal(r.code, 2);
  t.match(r.stderr, /no input/);
});

t.test('an invalid config stops start-up with exit 2, naming the key', async (t) => {
  const config = join(dir, 'bad.yaml');
  writeFileSync(config, 'export:\n  batchMaxSpans: lots\n');
  const r = await runRequestflow(['--once', '--config', config, flat]);
  t.equal(r.code, 2);
  t.match(r.stderr, /bad\.yaml:2.*export\.batchMaxSpans/);
});

t.test('--once with Zipkin unreachable: retried until the deadline, then exit 1 with the reason', async (t) => {
  const port = await freePort(); // nothing listens there
  const config = join(dir, 'short-deadline.yaml');
  writeFileSync(config, 'export:\n  onceDeadlineMs: 2000\n  retryInitialMs: 100\n');
  const started = Date.now();
  const r = await runRequestflow(['--once', '--json', '--config', config, '--zipkin-url', `http://127.0.0.1:${port}/api/v2/spans`, flat]);
  t.equal(r.code, 1, 'non-zero exit');
  t.ok(Date.now() - started >= 2000, 'kept retrying until the deadline');
  const summary = JSON.parse(r.stdout) as { spansExported: number; spansFailed: number; dropped: Record<string, number> };
  t.equal(summary.spansExported, 0);
  t.equal(summary.spansFailed, 2, 'both spans counted as not exported');
  t.match(r.stderr, /2 span\(s\) not exported.*ECONNREFUSED/);
});

t.test('--once expands glob patterns; one that matches nothing is an unreadable input', async (t) => {
  const copies = join(dir, 'glob');
  mkdirSync(copies);
  for (const f of ['flat-single-service.ndjson', 'request-end-variants.ndjson']) copyFileSync(join(fixtures, 'legacy', f), join(copies, f));
  const ok = await runRequestflow(['--once', '--json', '--zipkin-url', spansUrl(zipkinBaseUrl()), join(copies, '*.ndjson')]);
  t.equal(ok.code, 0, ok.stderr);
  t.equal(JSON.parse(ok.stdout).linesRead, 7 + 1, 'both files read');
  const none = await runRequestflow(['--once', '--zipkin-url', spansUrl(zipkinBaseUrl()), join(copies, '*.nomatch'), join(dir, 'missing.log')]);
  t.equal(none.code, 1);
  t.match(none.stderr, /requestflow: 2 input\(s\) could not be read/);
  t.match(none.stderr, /"input_unreadable".*the pattern matches no file/);
  t.match(none.stderr, /"input_unreadable".*ENOENT/);
});

t.test('follow mode says once, at start, which inputs it cannot follow yet', async (t) => {
  const fifo = join(dir, 'a.fifo');
  execFileSync('mkfifo', [fifo]);
  const child = spawnRequestflow(['--zipkin-url', spansUrl(zipkinBaseUrl()), dir, fifo, join(dir, 'nope', 'app.log'), join(dir, '*.zzz')]);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const deadline = Date.now() + 30_000;
  while (!stderr.includes('"msg":"started"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  t.equal(await new Promise((r) => child.on('exit', r)), 0);
  const warned = stderr.split('\n').filter((l) => l.includes('input_not_followed_yet')).map((l) => JSON.parse(l) as { input: string; problem: string });
  t.match(warned, [
    { input: dir, problem: /is a directory/ },
    { input: fifo, problem: /not a regular file.*"-"/ },
    { input: join(dir, 'nope', 'app.log'), problem: 'does not exist yet' },
    { input: join(dir, '*.zzz'), problem: 'matches no file yet' },
  ]);
});

// Bad usage: exit 2, the message and the one command that shows the usage, not
// the whole help text or a stack trace. Each row: the arguments, what the
// message must say, and the --help to point at.
const usageErrors: Array<{ args: string[]; message: RegExp | string; help: string }> = [
  { args: ['--bogus', 'x.log'], message: 'Unknown argument: bogus', help: 'requestflow --help' },
  { args: ['lint', '--bogus'], message: 'Unknown argument: bogus', help: 'requestflow lint --help' },
  { args: ['validate-config'], message: /Not enough non-option arguments/, help: 'requestflow validate-config --help' },
  { args: ['print-config', '--bogus'], message: 'Unknown argument: bogus', help: 'requestflow print-config --help' },
  { args: ['analyze'], message: 'name what to analyze: trace, endpoint or dependencies', help: 'requestflow analyze --help' },
  { args: ['analyze', 'bogus'], message: 'Unknown argument: bogus', help: 'requestflow analyze --help' },
  { args: ['analyze', 'trace'], message: /Not enough non-option arguments/, help: 'requestflow analyze trace --help' },
  { args: ['analyze', 'endpoint'], message: 'Missing required argument: service', help: 'requestflow analyze endpoint --help' },
  // The daemon's flags belong to the daemon.
  { args: ['analyze', 'trace', 'abc', '--once'], message: 'Unknown argument: once', help: 'requestflow analyze trace --help' },
  { args: ['lint', '--once', 'x.log'], message: 'Unknown argument: once', help: 'requestflow lint --help' },
  { args: ['validate-config', 'x.yaml', '--set', 'log.level=debug'], message: 'Unknown argument: set', help: 'requestflow validate-config --help' },
  // A mistyped command would otherwise follow files named after its words.
  { args: ['analyse', 'trace', 'x'], message: 'unknown command "analyse" (did you mean analyze?)', help: 'requestflow --help' },
  { args: ['lnt', 'app.log'], message: 'unknown command "lnt" (did you mean lint?)', help: 'requestflow --help' },
  { args: ['print-confg'], message: 'unknown command "print-confg" (did you mean print-config?)', help: 'requestflow --help' },
  { args: ['--once', 'validate-conifg', 'x.yaml'], message: 'unknown command "validate-conifg" (did you mean validate-config?)', help: 'requestflow --help' },
  { args: ['x.log', '--json'], message: '--json applies to --once', help: 'requestflow --help' },
];

for (const row of usageErrors) {
  t.test(`usage error: requestflow ${row.args.join(' ')}`, async (t) => {
    // Follow mode would run until stopped: a usage error must not get that far.
    const r = await runRequestflow(row.args, { cwd: dir, timeoutMs: 30_000 });
    t.equal(r.code, 2, 'exit 2');
    t.match(r.stderr, row.message);
    t.ok(r.stderr.endsWith(`run "${row.help}" for usage\n`), `points at ${row.help}: ${JSON.stringify(r.stderr)}`);
    t.notMatch(r.stderr, /Options:|Examples:|^\s+at /m, 'no help text, no stack trace');
    t.equal(r.stderr.trim().split('\n').length, 2, 'two lines: the problem and the hint');
    t.equal(r.stdout, '');
  });
}

t.test('a first word that names an existing file is followed, however close to a command', async (t) => {
  const named = mkdtempSync(join(tmpdir(), 'rf-cli-file-'));
  t.teardown(() => rmSync(named, { recursive: true, force: true }));
  writeFileSync(join(named, 'lnt'), readFileSync(flat));
  const r = await runRequestflow(['--once', '--zipkin-url', spansUrl(zipkinBaseUrl()), 'lnt'], { cwd: named });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /spans exported:\s+2/);
});

// Each command's --help lists its own options and none of the daemon's.
const helps: Array<{ args: string[]; has: string[]; hasNot: string[] }> = [
  { args: ['--help'], has: ['--once', '--zipkin-url', '--config', '--set', '--json'], hasNot: ['--html', '--max-findings'] },
  { args: ['lint', '--help'], has: ['--json', '--config', '--set', '--max-findings', '--strict'], hasNot: ['--once', '--zipkin-url'] },
  { args: ['validate-config', '--help'], has: [], hasNot: ['--once', '--zipkin-url', '--config', '--set', '--json'] },
  { args: ['print-config', '--help'], has: ['--config', '--set', '--zipkin-url', '--example'], hasNot: ['--once', '--json'] },
  { args: ['analyze', 'trace', '--help'], has: ['--zipkin-url', '--json', '--html', '--config', '--set'], hasNot: ['--once', '--lookback', '--limit'] },
  { args: ['analyze', 'endpoint', '--help'], has: ['--service', '--span', '--lookback', '--limit', '--zipkin-url', '--json', '--html'], hasNot: ['--once'] },
  { args: ['analyze', 'dependencies', '--help'], has: ['--service', '--lookback', '--limit'], hasNot: ['--once'] },
];

for (const row of helps) {
  t.test(`requestflow ${row.args.join(' ')}: its own options only`, async (t) => {
    const r = await runRequestflow(row.args);
    t.equal(r.code, 0);
    const listed = new Set([...r.stdout.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]));
    for (const o of row.has) t.ok(listed.has(o), `lists ${o}`);
    for (const o of row.hasNot) t.notOk(listed.has(o), `does not list ${o}`);
    if (row.args[0] !== '--help') t.notMatch(r.stdout, /--once summary/, "not the daemon's --json");
  });
}

t.test("analyze's --zipkin-url is Zipkin's base URL, the daemon's the span endpoint", async (t) => {
  t.match((await runRequestflow(['analyze', 'trace', '--help'])).stdout, /--zipkin-url\s+Zipkin base URL/);
  t.match((await runRequestflow(['--help'])).stdout, /--zipkin-url\s+Zipkin span endpoint/);
});
