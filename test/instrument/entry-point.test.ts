// requestflow/instrument, imported by its package name in a fresh node
// process, loads nothing but node: built-ins and its own files: none of the
// sidecar's dependencies (OpenTelemetry, yargs, zod, ...) and no other part of
// requestflow. Every module the process resolves is recorded by a loader hook.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { repoRoot } from '../support/requestflow-binary.js';

const hooks = pathToFileURL(join(repoRoot, 'test', 'support', 'record-imports.mjs')).href;
const register = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;

// Uses the library for one real request, so anything loaded lazily is loaded too.
const program = `
const rf = await import('requestflow/instrument');
const http = await import('node:http');
const lines = [];
const inst = rf.createInstrumentation({ serviceName: 'probe', output: { write: (text) => { lines.push(...text.split('\\n').filter(Boolean)); return true; } } });
const dep = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
await new Promise((r) => dep.once('listening', r));
const server = http.createServer(inst.wrapServer(async (req, res) => {
  await (await inst.fetch('dep', 'http://127.0.0.1:' + dep.address().port + '/')).text();
  await inst.traceDependency('cache', async () => 1, { functionName: 'get' });
  inst.log.info('done');
  res.end('fine');
})).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const res = await fetch('http://127.0.0.1:' + server.address().port + '/x');
await res.text();
await new Promise((r) => setTimeout(r, 50));
server.close(); dep.close();
console.log(JSON.stringify({ status: res.status, header: res.headers.get('x-hulu-request-id'), lines: lines.length }));
`;

t.test('importing requestflow/instrument loads only node: built-ins and dist/instrument/', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-imports-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const record = join(dir, 'imports.txt');
  const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', program], {
    cwd: repoRoot,
    env: { ...process.env, RECORD_IMPORTS_FILE: record, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(r.status, 0, `the program ran: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim());
  t.equal(out.status, 200);
  t.match(out.header, /^[0-9a-f]{32}$/, 'X-Hulu-Request-Id on the response');
  t.equal(out.lines, 7, 'start, 2 x (dependency start, end), application line, end');

  const urls = [...new Set(readFileSync(record, 'utf8').trim().split('\n'))];
  const own = pathToFileURL(join(repoRoot, 'dist', 'instrument')).href + '/';
  t.ok(urls.includes(`${own}index.js`), 'the package name resolved to dist/instrument/index.js');
  const foreign = urls.filter((u) => !u.startsWith('node:') && !u.startsWith(own));
  t.same(foreign, [], 'nothing else was loaded');
  t.ok(urls.filter((u) => u.startsWith(own)).length > 5, 'the hook saw the library load its own modules');
});
