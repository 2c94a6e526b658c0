// validate-config and print-config, and start-up refusing a bad config before
// opening any input, through the real binary.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runRequestflow } from '../support/requestflow-binary.js';

const dir = mkdtempSync(join(tmpdir(), 'rf-cmd-'));
const write = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
// Nothing of the test's environment may leak into the results.
const cleanEnv = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('REQUESTFLOW_') || k.startsWith('POD_')).map((k) => [k, undefined]));

t.test('validate-config: 0 for a good file, 2 with file:line and did-you-mean for a bad one', async (t) => {
  const good = write('good.yaml', 'zipkin:\n  url: http://zipkin:9411/api/v2/spans\nserver:\n  port: 9464\n');
  const ok = await runRequestflow(['validate-config', good], { env: cleanEnv });
  t.equal(ok.code, 0, ok.stderr);
  t.equal(ok.stdout, `${good}: valid configuration\n`);

  const bad = write('bad.yaml', 'zipkin:\n  url: http://zipkin:9411/api/v2/spans\nlog:\n  levle: debug\n');
  const r = await runRequestflow(['validate-config', bad], { env: cleanEnv });
  t.equal(r.code, 2);
  t.match(r.stderr, `${bad}:4: unknown key log.levle (did you mean log.level?)`);
  t.equal(r.stdout, '');
});

t.test('a bad config stops start-up with exit 2 before any input is opened', async (t) => {
  // Opening a FIFO for reading blocks until a writer comes: had requestflow
  // opened its input first, it would hang here instead of exiting.
  const fifo = join(dir, 'input.fifo');
  execFileSync('mkfifo', [fifo]);
  const bad = write('bad-start.yaml', 'export:\n  batchMaxSpans: 0\n');
  const r = await runRequestflow(['--config', bad, fifo], { env: cleanEnv, timeoutMs: 30_000 });
  t.equal(r.code, 2);
  t.match(r.stderr, `${bad}:2: export.batchMaxSpans: Too small`);
  const envBad = await runRequestflow([fifo], { env: { ...cleanEnv, REQUESTFLOW_LOG_LEVLE: 'debug' }, timeoutMs: 30_000 });
  t.equal(envBad.code, 2);
  t.match(envBad.stderr, 'REQUESTFLOW_LOG_LEVLE is not a configuration key (did you mean REQUESTFLOW_LOG_LEVEL?)');
});

t.test('print-config: the effective config, file < environment < flags, secrets masked', async (t) => {
  const f = write('print.yaml', [
    'zipkin:',
    '  url: http://from-file:9411/api/v2/spans',
    '  headers:',
    '    authorization: "Bearer ${RF_PLANTED_TOKEN}"',
    'export:',
    '  batchMaxSpans: 11',
    '  flushIntervalMs: 111',
    '',
  ].join('\n'));
  const r = await runRequestflow(['print-config', '--config', f, '--set', 'export.flushIntervalMs=333'], {
    env: { ...cleanEnv, RF_PLANTED_TOKEN: 'tok-5d1e9', REQUESTFLOW_EXPORT_BATCH_MAX_SPANS: '22', REQUESTFLOW_EXPORT_FLUSH_INTERVAL_MS: '222', POD_IP: '10.4.5.6' },
  });
  t.equal(r.code, 0, r.stderr);
  t.notMatch(r.stdout, 'tok-5d1e9', 'the token never printed');
  const c = parse(r.stdout) as { zipkin: { url: string; headers: Record<string, string>; localIp: string }; export: { batchMaxSpans: number; flushIntervalMs: number } };
  t.equal(c.zipkin.url, 'http://from-file:9411/api/v2/spans', 'from the file');
  t.equal(c.export.batchMaxSpans, 22, 'environment over file');
  t.equal(c.export.flushIntervalMs, 333, 'flag over environment');
  t.equal(c.zipkin.localIp, '10.4.5.6', 'POD_IP');
  t.same(Object.keys(c.zipkin.headers), ['authorization']);
  t.not(c.zipkin.headers.authorization, 'Bearer tok-5d1e9');
});

t.test('print-config --example prints the committed example file', async (t) => {
  const r = await runRequestflow(['print-config', '--example'], { env: cleanEnv });
  t.equal(r.code, 0);
  const { readFileSync } = await import('node:fs');
  const { repoRoot } = await import('../support/requestflow-binary.js');
  t.equal(r.stdout, readFileSync(join(repoRoot, 'config', 'requestflow.example.yaml'), 'utf8'));
});
