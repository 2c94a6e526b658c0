import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import * as api from '../../src/instrument/index.js';
import { Capture } from './harness.js';

const SRC = new URL('../../src/instrument/', import.meta.url);

t.test('the library imports nothing but node: built-ins and its own modules', async (t) => {
  const files = readdirSync(SRC).filter((f) => f.endsWith('.ts'));
  t.ok(files.includes('index.ts'));
  const specifiers = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const file of files) {
    const text = readFileSync(new URL(file, SRC), 'utf8');
    for (const m of text.matchAll(specifiers)) {
      const spec = m[1] ?? m[2];
      const ok = spec.startsWith('node:') || (/^\.\/[a-z-]+\.js$/.test(spec) && files.includes(spec.slice(2, -3) + '.ts'));
      t.ok(ok, `${file}: ${spec}`);
    }
  }
});

t.test('createInstrumentation returns the documented API', async (t) => {
  const rf = api.createInstrumentation({ serviceName: 's', output: new Capture() });
  t.same(Object.keys(rf).sort(), ['currentContext', 'fetch', 'log', 'markError', 'middleware', 'request', 'stats', 'traceDependency', 'wrapServer']);
  t.same(Object.keys(rf.log).sort(), ['debug', 'error', 'info', 'warn']);
  t.ok(Object.isFrozen(rf));
  t.same(rf.stats(), { linesWritten: 0, linesDropped: 0 });
  rf.log.info('x');
  t.same(rf.stats(), { linesWritten: 1, linesDropped: 0 });
  t.equal(api.REQUEST_ID_HEADER, 'X-Hulu-Request-Id');
  t.equal(api.SPAN_ID_HEADER, 'X-Hulu-Span-Id');
  t.throws(() => api.createInstrumentation({ serviceName: '' }), TypeError);
});

t.test('package.json exports requestflow/instrument', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  t.same(pkg.exports?.['./instrument'], { types: './dist/instrument/index.d.ts', default: './dist/instrument/index.js' });
});
