// The command line of the real binary: --help, exit codes, and --once
// failing loudly when Zipkin cannot be reached.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/zipkin-server.js';
import { fixtures, runRequestflow } from '../support/requestflow-binary.js';

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
