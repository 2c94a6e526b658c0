// The command line of the real binary: --help, exit codes, and --once
// failing loudly when Zipkin cannot be reached.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
