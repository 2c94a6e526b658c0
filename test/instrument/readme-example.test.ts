// The README's example ("Instrumenting a Node.js service") runs as written,
// importing the library by its package name, and writes what the README says:
// the normalised request id on the response, and seven lines that
// requestflow's decoder reads as the request and its two calls.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { decodeLine } from '../../src/decode/decode-line.js';
import { repoRoot } from '../support/requestflow-binary.js';

t.test("the README's instrumentation example", async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Instrumenting a Node.js service'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  t.ok(code, 'the section has a js example');
  if (!code) return;
  // Inside the package, so 'requestflow/instrument' resolves as it would for a dependent.
  const dir = join(repoRoot, '.cache', 'readme-example');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `example-${process.pid}.mjs`);
  writeFileSync(file, code);
  t.teardown(() => rmSync(file, { force: true }));
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, `runs: ${r.stderr}`);
  t.match(r.stderr, 'status 200, X-Hulu-Request-Id: 5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50');
  const events = r.stdout.trim().split('\n').flatMap((line) => {
    const d = decodeLine(line);
    t.equal(d.kind, 'events', `decodes: ${line.slice(0, 60)}`);
    return d.kind === 'events' ? d.events : [];
  });
  t.same(
    events.sort((a, b) => a.timeUs - b.timeUs).map((e) => [e.category, e.requestId, e.spanPath, 'callSpanPath' in e ? e.callSpanPath : undefined, 'dependencyName' in e ? e.dependencyName : undefined]),
    [
      ['request_start', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', undefined, undefined],
      ['dependency_start', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', '1.1', 'pricing'],
      ['dependency_end', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', '1.1', 'pricing'],
      ['dependency_start', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', '1.2', 'inventory-db'],
      ['dependency_end', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', '1.2', 'inventory-db'],
      ['application', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', undefined, undefined],
      ['request_end', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '1', undefined, undefined],
    ],
  );
  t.match(events.find((e) => e.category === 'request_end'), { statusCode: 200 });
});
