// `requestflow analyze` options through the real binary: values Zipkin would
// refuse, an --html file that cannot be written, and where the Zipkin URL
// comes from (the daemon's layered config, then --zipkin-url). Usage errors
// must come before any query: the Zipkin URL of those rows has nothing
// listening, so a query would end in exit 3 instead of 2.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/zipkin-server.js';
import { fixtures, runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
const dir = mkdtempSync(join(tmpdir(), 'rf-analyze-options-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
// Nothing of the test's environment may leak into the results.
const cleanEnv = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('REQUESTFLOW_') || k.startsWith('POD_')).map((k) => [k, undefined]));

let nowhere: string; // a Zipkin base URL with nothing listening
t.before(async () => {
  nowhere = `http://127.0.0.1:${await freePort()}`;
});

const analyze = (args: string[], env: Record<string, string | undefined> = {}) =>
  runRequestflow(['analyze', ...args], { env: { ...cleanEnv, ...env }, timeoutMs: 60_000 });

const EXIT_USAGE = 2;
const EXIT_ZIPKIN = 3;
const LIMIT = /--limit must be a whole number >= 1/;
const LOOKBACK = /--lookback must be a duration like 15m, 1h or 7d/;
const ZERO = /all-zero id/;

// Each row: the arguments and what must happen. Rows that pass the checks
// reach the (unreachable) Zipkin: exit 3, which shows where the line is.
const values: Array<{ args: string[]; code: number; message: RegExp }> = [
  { args: ['endpoint', '--service', 's', '--limit', 'abc'], code: EXIT_USAGE, message: LIMIT },
  { args: ['endpoint', '--service', 's', '--limit', '1.5'], code: EXIT_USAGE, message: LIMIT },
  { args: ['endpoint', '--service', 's', '--limit', '0'], code: EXIT_USAGE, message: LIMIT },
  { args: ['endpoint', '--service', 's', '--limit', '-5'], code: EXIT_USAGE, message: LIMIT },
  { args: ['dependencies', '--limit', '3000000000'], code: EXIT_USAGE, message: LIMIT }, // Zipkin's limit is a Java int
  { args: ['dependencies', '--limit', '1'], code: EXIT_ZIPKIN, message: /cannot reach Zipkin/ },
  { args: ['dependencies', '--lookback', '100000d'], code: EXIT_USAGE, message: LOOKBACK },
  { args: ['dependencies', '--lookback', 'garbage'], code: EXIT_USAGE, message: LOOKBACK },
  { args: ['endpoint', '--service', 's', '--lookback', '0'], code: EXIT_USAGE, message: LOOKBACK },
  { args: ['endpoint', '--service', 's', '--lookback=-1h'], code: EXIT_USAGE, message: LOOKBACK },
  { args: ['dependencies', '--lookback', '3650d'], code: EXIT_ZIPKIN, message: /cannot reach Zipkin/ },
  { args: ['dependencies', '--lookback', '1.5h'], code: EXIT_ZIPKIN, message: /cannot reach Zipkin/ },
  { args: ['trace', '00000000000000000000000000000000'], code: EXIT_USAGE, message: ZERO },
  { args: ['trace', '0000000000000000'], code: EXIT_USAGE, message: ZERO },
  { args: ['trace', '00000000-0000-0000-0000-000000000000'], code: EXIT_USAGE, message: ZERO },
  { args: ['trace', ''], code: EXIT_USAGE, message: /the request id is empty/ },
  { args: ['trace', '5f1c0e2a9b7d4c3e 8a6f0b1d2c3e4f50'], code: EXIT_USAGE, message: /no spaces or control characters/ },
  { args: ['trace', '5f1c0e2a-9b7d-4c3e-8a6f-0b1d2c3e4f50'], code: EXIT_ZIPKIN, message: /cannot reach Zipkin/ },
  { args: ['trace', 'any-other-request-id'], code: EXIT_ZIPKIN, message: /cannot reach Zipkin/ },
];

for (const row of values) {
  t.test(`analyze ${row.args.join(' ')}: exit ${row.code}`, async (t) => {
    const r = await analyze([...row.args, '--zipkin-url', nowhere]);
    t.equal(r.code, row.code, r.stderr);
    t.match(r.stderr, row.message);
    t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
  });
}

t.test('--html that cannot be written: exit 2 before any query, the reason named', async (t) => {
  const aDirectory = join(dir, 'a-directory');
  mkdirSync(aDirectory);
  const rows: Array<{ html: string; reason: string }> = [
    { html: join(dir, 'no-such-dir', 'x.html'), reason: `no such directory ${join(dir, 'no-such-dir')}` },
    { html: '/nonexist/x.html', reason: 'no such directory /nonexist' },
    { html: aDirectory, reason: 'it is a directory' },
  ];
  for (const row of rows) {
    const r = await analyze(['dependencies', '--html', row.html, '--zipkin-url', nowhere]);
    t.equal(r.code, EXIT_USAGE, `${row.html}: exit 2 (${r.stderr.trim()})`);
    t.equal(r.stderr, `requestflow analyze: cannot write ${row.html}: ${row.reason}\n`, 'one line: the file and why');
  }
});

t.test('--html that can be written: no file left behind, and an existing one untouched, when the query fails', async (t) => {
  const fresh = join(dir, 'fresh.html');
  const r = await analyze(['dependencies', '--html', fresh, '--zipkin-url', nowhere]);
  t.equal(r.code, EXIT_ZIPKIN, 'the check passed; Zipkin could not be queried');
  t.notOk(existsSync(fresh), 'the writability check left no empty file');
  const old = join(dir, 'old.html');
  writeFileSync(old, '<p>last week</p>');
  await analyze(['dependencies', '--html', old, '--zipkin-url', nowhere]);
  t.equal(readFileSync(old, 'utf8'), '<p>last week</p>');
});

t.test('the Zipkin URL: zipkin.url from file < REQUESTFLOW_ZIPKIN_URL < --set, and --zipkin-url over all', async (t) => {
  // A trace to find: a fixture exported by the real sidecar.
  const fixture = join(fixtures, 'legacy', 'flat-single-service.ndjson');
  const traceId = (JSON.parse(readFileSync(fixture, 'utf8').split('\n')[0]!) as { tracking_id: string }).tracking_id;
  const once = await runRequestflow(['--once', '--zipkin-url', spansUrl(base), fixture], { env: cleanEnv });
  t.equal(once.code, 0, once.stderr);
  await waitForTrace(base, traceId, { minSpans: 2, timeoutMs: 60_000 });

  const good = spansUrl(base); // zipkin.url is the span endpoint; analyze takes the base from it
  const bad = spansUrl(nowhere);
  const file = (url: string) => {
    const f = join(dir, `config-${url === good ? 'good' : 'bad'}.yaml`);
    writeFileSync(f, `zipkin:\n  url: ${url}\n`);
    return f;
  };
  const rows: Array<{ name: string; args: string[]; env?: Record<string, string>; found: boolean }> = [
    { name: 'zipkin.url from --config', args: ['--config', file(good)], found: true },
    { name: 'REQUESTFLOW_ZIPKIN_URL', args: [], env: { REQUESTFLOW_ZIPKIN_URL: good }, found: true },
    { name: '--set zipkin.url', args: ['--set', `zipkin.url=${good}`], found: true },
    { name: 'the variable over the file', args: ['--config', file(bad)], env: { REQUESTFLOW_ZIPKIN_URL: good }, found: true },
    { name: '--set over the variable', args: ['--set', `zipkin.url=${good}`], env: { REQUESTFLOW_ZIPKIN_URL: bad }, found: true },
    { name: '--set over the variable, the other way round', args: ['--set', `zipkin.url=${bad}`], env: { REQUESTFLOW_ZIPKIN_URL: good }, found: false },
    { name: '--zipkin-url (a base URL) over --set and the variable', args: ['--zipkin-url', base, '--set', `zipkin.url=${bad}`], env: { REQUESTFLOW_ZIPKIN_URL: bad }, found: true },
  ];
  for (const row of rows) {
    const r = await analyze(['trace', traceId, '--json', ...row.args], row.env);
    if (row.found) {
      t.equal(r.code, 0, `${row.name}: found (${r.stderr.trim()})`);
      t.equal(r.code === 0 ? (JSON.parse(r.stdout) as { traceId: string }).traceId : undefined, traceId, `${row.name}: the trace`);
    } else {
      t.not(r.code, 0, `${row.name}: not found there (exit ${r.code}: ${r.stderr.trim()})`);
    }
  }
});

t.test('a wrong key or value in --set or REQUESTFLOW_* is a usage error (exit 2), as for the daemon', async (t) => {
  const rows: Array<{ args: string[]; env?: Record<string, string>; message: RegExp }> = [
    { args: ['--set', 'bogus.key=1'], message: /--set bogus\.key: unknown key bogus\.key/ },
    { args: ['--set', 'zipkin.ulr=http://zipkin:9411/api/v2/spans'], message: /unknown key zipkin\.ulr \(did you mean zipkin\.url\?\)/ },
    { args: ['--set', 'zipkin.url'], message: /--set zipkin\.url: expected key=value/ },
    { args: [], env: { REQUESTFLOW_BOGUS_KEY: '1' }, message: /REQUESTFLOW_BOGUS_KEY is not a configuration key/ },
    { args: ['--config', join(dir, 'missing.yaml')], message: /cannot read config file/ },
  ];
  for (const row of rows) {
    const r = await analyze(['dependencies', ...row.args, '--zipkin-url', nowhere], row.env);
    t.equal(r.code, EXIT_USAGE, `${row.args.join(' ')} ${Object.keys(row.env ?? {}).join(' ')}: exit 2 (${r.stderr.trim()})`);
    t.match(r.stderr, row.message);
  }
});
