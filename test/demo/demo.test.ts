// The demo end to end: its real services, requestflow (the real binary, in
// follow mode) and the test's Zipkin. Real HTTP requests go to the gateway;
// each trace is then read back from Zipkin by the request id the gateway
// answered in X-Hulu-Request-Id, and compared with the trace written out
// below by hand from the scenario (README, "Quick start"):
//   gateway /home?user=N&shelf=S calls, in parallel, profile (1.1), catalog
//   (1.2) and recommendations (1.3); profile reads kv once; catalog reads kv
//   once per item, in sequence (home: 2 items, movies: 5); recommendations
//   calls ranking, which reads its model from kv and fails for N % 7 == 0;
//   then recommendations and the gateway answer 502. kv logs nothing.
// Finally: the services' logs lint clean, and Ctrl-C stops every process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { repoRoot, runRequestflow } from '../support/requestflow-binary.js';
import { getDependencies, waitForTrace, zipkinBaseUrl, type ZipkinSpan } from '../support/zipkin-api.js';

const runDemo = join(repoRoot, 'dist', 'demo', 'run-demo.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** [kind, service, dotted span id, parent ("KIND span id", null: root, "absent": a caller that did not log), span name, error] */
type SpanRow = [kind: 'SERVER' | 'CLIENT', service: string, spanPath: string, parent: string | null, name: string, error: boolean];

const HOME_OK: SpanRow[] = [
  ['SERVER', 'gateway', '1', null, 'get /home', false],
  ['CLIENT', 'gateway', '1.1', 'SERVER 1', 'profile fetch', false],
  ['SERVER', 'profile', '1.1', 'CLIENT 1.1', 'get /profile', false],
  ['CLIENT', 'profile', '1.1.1', 'SERVER 1.1', 'kv get', false],
  ['CLIENT', 'gateway', '1.2', 'SERVER 1', 'catalog fetch', false],
  ['SERVER', 'catalog', '1.2', 'CLIENT 1.2', 'get /shelf/home', false],
  ['CLIENT', 'catalog', '1.2.1', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.2.2', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'gateway', '1.3', 'SERVER 1', 'recommendations fetch', false],
  ['SERVER', 'recommendations', '1.3', 'CLIENT 1.3', 'get /recommendations', false],
  ['CLIENT', 'recommendations', '1.3.1', 'SERVER 1.3', 'ranking http.request', false],
  ['SERVER', 'ranking', '1.3.1', 'CLIENT 1.3.1', 'get /rank', false],
  ['CLIENT', 'ranking', '1.3.1.1', 'SERVER 1.3.1', 'kv fetch', false],
];

const HOME_FAILING: SpanRow[] = [
  ['SERVER', 'gateway', '1', null, 'get /home', true],
  ['CLIENT', 'gateway', '1.1', 'SERVER 1', 'profile fetch', false],
  ['SERVER', 'profile', '1.1', 'CLIENT 1.1', 'get /profile', false],
  ['CLIENT', 'profile', '1.1.1', 'SERVER 1.1', 'kv get', false],
  ['CLIENT', 'gateway', '1.2', 'SERVER 1', 'catalog fetch', false],
  ['SERVER', 'catalog', '1.2', 'CLIENT 1.2', 'get /shelf/home', false],
  ['CLIENT', 'catalog', '1.2.1', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.2.2', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'gateway', '1.3', 'SERVER 1', 'recommendations fetch', true],
  ['SERVER', 'recommendations', '1.3', 'CLIENT 1.3', 'get /recommendations', true],
  ['CLIENT', 'recommendations', '1.3.1', 'SERVER 1.3', 'ranking http.request', true],
  ['SERVER', 'ranking', '1.3.1', 'CLIENT 1.3.1', 'get /rank', true],
  ['CLIENT', 'ranking', '1.3.1.1', 'SERVER 1.3.1', 'kv fetch', false], // kv answered 404: not an error
];

const MOVIES: SpanRow[] = [
  ['SERVER', 'gateway', '1', null, 'get /home', false],
  ['CLIENT', 'gateway', '1.1', 'SERVER 1', 'profile fetch', false],
  ['SERVER', 'profile', '1.1', 'CLIENT 1.1', 'get /profile', false],
  ['CLIENT', 'profile', '1.1.1', 'SERVER 1.1', 'kv get', false],
  ['CLIENT', 'gateway', '1.2', 'SERVER 1', 'catalog fetch', false],
  ['SERVER', 'catalog', '1.2', 'CLIENT 1.2', 'get /shelf/movies', false],
  ['CLIENT', 'catalog', '1.2.1', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.2.2', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.2.3', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.2.4', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.2.5', 'SERVER 1.2', 'kv get', false],
  ['CLIENT', 'gateway', '1.3', 'SERVER 1', 'recommendations fetch', false],
  ['SERVER', 'recommendations', '1.3', 'CLIENT 1.3', 'get /recommendations', false],
  ['CLIENT', 'recommendations', '1.3.1', 'SERVER 1.3', 'ranking http.request', false],
  ['SERVER', 'ranking', '1.3.1', 'CLIENT 1.3.1', 'get /rank', false],
  ['CLIENT', 'ranking', '1.3.1.1', 'SERVER 1.3.1', 'kv fetch', false],
];

// The gateway called as span 1.4 by a caller that does not log.
const HOME_AS_CALLEE: SpanRow[] = [
  ['SERVER', 'gateway', '1.4', 'absent', 'get /home', false],
  ['CLIENT', 'gateway', '1.4.1', 'SERVER 1.4', 'profile fetch', false],
  ['SERVER', 'profile', '1.4.1', 'CLIENT 1.4.1', 'get /profile', false],
  ['CLIENT', 'profile', '1.4.1.1', 'SERVER 1.4.1', 'kv get', false],
  ['CLIENT', 'gateway', '1.4.2', 'SERVER 1.4', 'catalog fetch', false],
  ['SERVER', 'catalog', '1.4.2', 'CLIENT 1.4.2', 'get /shelf/home', false],
  ['CLIENT', 'catalog', '1.4.2.1', 'SERVER 1.4.2', 'kv get', false],
  ['CLIENT', 'catalog', '1.4.2.2', 'SERVER 1.4.2', 'kv get', false],
  ['CLIENT', 'gateway', '1.4.3', 'SERVER 1.4', 'recommendations fetch', false],
  ['SERVER', 'recommendations', '1.4.3', 'CLIENT 1.4.3', 'get /recommendations', false],
  ['CLIENT', 'recommendations', '1.4.3.1', 'SERVER 1.4.3', 'ranking http.request', false],
  ['SERVER', 'ranking', '1.4.3.1', 'CLIENT 1.4.3.1', 'get /rank', false],
  ['CLIENT', 'ranking', '1.4.3.1.1', 'SERVER 1.4.3.1', 'kv fetch', false],
];

interface Case {
  name: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  /** The request id the gateway must answer; undefined: a new one. */
  requestId?: string;
  spans: SpanRow[];
}

const CASES: Case[] = [
  { name: 'user 3, id sent as an upper-case UUID', path: '/home?user=3', headers: { 'X-Hulu-Request-Id': '3F2504E0-4F89-41D3-9A0C-0305E82C3301' },
    status: 200, requestId: '3f2504e04f8941d39a0c0305e82c3301', spans: HOME_OK },
  { name: 'user 14 fails in ranking', path: '/home?user=14', headers: {}, status: 502, spans: HOME_FAILING },
  { name: 'user 35 fails in ranking too', path: '/home?user=35', headers: {}, status: 502, spans: HOME_FAILING },
  { name: 'movies shelf: five sequential kv gets', path: '/home?user=5&shelf=movies', headers: {}, status: 200, spans: MOVIES },
  { name: 'invalid incoming ids: a new id, span 1', path: '/home?user=10', headers: { 'x-hulu-request-id': 'order-77', 'X-HULU-SPAN-ID': '1..4' }, status: 200, spans: HOME_OK },
  { name: 'called as span 1.4', path: '/home?user=8', headers: { 'X-Hulu-Request-Id': 'aa11bb22cc33dd44ee55ff6600778899', 'X-Hulu-Span-Id': '1.4' },
    status: 200, requestId: 'aa11bb22cc33dd44ee55ff6600778899', spans: HOME_AS_CALLEE },
];

/** The trace as rows of the same shape as the expected ones. */
function rowsOf(spans: ZipkinSpan[]): SpanRow[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  return spans.map((s): SpanRow => {
    const parent = s.parentId === undefined ? null : byId.get(s.parentId);
    return [s.kind as 'SERVER' | 'CLIENT', s.localEndpoint?.serviceName ?? '?', s.tags?.['hulu.span_id'] ?? '?',
      parent === null ? null : parent === undefined ? 'absent' : `${parent.kind} ${parent.tags?.['hulu.span_id']}`,
      s.name ?? '?', s.tags?.error !== undefined];
  });
}
const order = (rows: SpanRow[]) => [...rows].sort((a, b) => `${a[2]} ${a[0]}`.localeCompare(`${b[2]} ${b[0]}`));

interface Demo {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number | null>;
}

function startDemoProcess(args: string[]): Demo {
  const child = spawn(process.execPath, [runDemo, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, exited };
}

async function until(what: string, pred: () => boolean, demo: Demo, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (demo.child.exitCode !== null) throw new Error(`demo exited while waiting for ${what}:\n${demo.stdout()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s:\n${demo.stdout()}`);
    await sleep(100);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('the demo: traces in Zipkin as the scenario says, clean logs, Ctrl-C stops everything', async (t) => {
  const zipkin = zipkinBaseUrl();
  const logDir = mkdtempSync(join(tmpdir(), 'rf-demo-'));
  const demo = startDemoProcess(['--zipkin-base-url', zipkin, '--rps', '1', '--log-dir', logDir]);
  t.teardown(() => {
    if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    rmSync(logDir, { recursive: true, force: true });
  });
  await until('"Running until Ctrl-C"', () => demo.stdout().includes('Running until Ctrl-C.'), demo);
  const out = demo.stdout();
  const gateway = /gateway: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  t.ok(gateway, 'the gateway URL is printed');
  t.match(out, `Zipkin UI:  ${zipkin}/zipkin/`);
  const pids = [...(/processes: +(.*)/.exec(out)?.[1] ?? '').matchAll(/([a-z]+) (\d+)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
  t.same(pids.map((p) => p.name).sort(), ['catalog', 'gateway', 'kv', 'load', 'profile', 'ranking', 'recommendations', 'requestflow'], 'every process is listed');
  // The printed showcase: one failing, one slow, each with a trace link.
  t.match(out, /failing +502 .*\n.*\n +request id [0-9a-f]{32} +http.*\/zipkin\/traces\/[0-9a-f]{32}/);
  t.match(out, /slow +200 .*shelf=movies/);

  for (const c of CASES) {
    const res = await fetch(gateway + c.path, { headers: c.headers, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    t.equal(res.status, c.status, `${c.name}: status`);
    const requestId = res.headers.get('x-hulu-request-id') ?? '';
    if (c.requestId !== undefined) t.equal(requestId, c.requestId, `${c.name}: the request id, normalised, comes back`);
    else t.match(requestId, /^[0-9a-f]{32}$/, `${c.name}: a new request id comes back`);
    const spans = await waitForTrace(zipkin, requestId, { minSpans: c.spans.length, timeoutMs: 60_000 });
    t.equal(spans.length, c.spans.length, `${c.name}: span count`);
    t.same(order(rowsOf(spans)), order(c.spans), `${c.name}: services, kinds, parents, names and errors`);
    t.ok(spans.every((s) => s.tags?.['hulu.request_id'] === requestId), `${c.name}: every span carries the request id`);
    const kvCalls = spans.filter((s) => s.remoteEndpoint?.serviceName === 'kv').length;
    t.equal(kvCalls, c.spans.filter((r) => r[4].startsWith('kv ')).length, `${c.name}: the calls to kv, which logs nothing, are there`);
  }

  const links = await getDependencies(zipkin);
  const pairs = new Set(links.map((l) => `${l.parent}->${l.child}`));
  for (const p of ['gateway->profile', 'gateway->catalog', 'gateway->recommendations', 'recommendations->ranking', 'profile->kv', 'catalog->kv', 'ranking->kv']) {
    t.ok(pairs.has(p), `dependency ${p}`);
  }

  const logs = readdirSync(logDir).filter((f) => f.endsWith('.log')).sort();
  t.same(logs, ['catalog.log', 'gateway.log', 'profile.log', 'ranking.log', 'recommendations.log'], 'one log file per instrumented service');
  const lint = await runRequestflow(['lint', '--json', ...logs.map((f) => join(logDir, f))]);
  const report = JSON.parse(lint.stdout);
  t.equal(lint.code, 0, 'the services\' logs lint clean');
  t.same([report.errors, report.warnings], [0, 0], 'no errors, no warnings');

  demo.child.kill('SIGINT');
  const code = await Promise.race([demo.exited, sleep(90_000).then(() => 'timeout')]);
  t.equal(code, 0, 'the demo stops on SIGINT and exits 0');
  t.match(demo.stdout(), /stopped\./);
  for (const p of pids) t.notOk(isAlive(p.pid), `${p.name} (${p.pid}) is gone`);
});

t.test('a Zipkin port that is taken: a clear message, exit 1, nothing started', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, r));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const logDir = mkdtempSync(join(tmpdir(), 'rf-demo-'));
  t.teardown(() => rmSync(logDir, { recursive: true, force: true }));
  const demo = startDemoProcess(['--port', String(port), '--log-dir', logDir]);
  const code = await Promise.race([demo.exited, sleep(60_000).then(() => 'timeout')]);
  t.equal(code, 1);
  t.match(demo.stdout(), new RegExp(`port ${port} is in use.*--port N`));
  t.notMatch(demo.stdout(), /processes:/);
});
