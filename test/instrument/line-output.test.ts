import t from 'tap';
import { LineOutput } from '../../src/instrument/line-output.js';
import { MAX_BUFFERED_OUTPUT_BYTES } from '../../src/instrument/options.js';
import { Capture } from './harness.js';

t.test('one JSON object per line', async (t) => {
  const cap = new Capture();
  const out = new LineOutput(cap);
  out.write({ a: 1, context: { b: 'x\ny' } });
  out.write({ a: 2 });
  t.equal(cap.text, '', 'gathered until the end of the event-loop turn');
  await new Promise((r) => setImmediate(r));
  t.equal(cap.text, '{"a":1,"context":{"b":"x\\ny"}}\n{"a":2}\n', 'then written at once');
  t.same(out.stats, { linesWritten: 2, linesDropped: 0 });
});

t.test('an unserialisable context does not throw or lose the line', async (t) => {
  const cap = new Capture();
  const out = new LineOutput(cap);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  out.write({ message: 'm', context: circular });
  out.write({ message: 'n', context: { big: 10n } });
  out.flush();
  const recs = cap.records();
  t.equal(recs.length, 2);
  t.equal(recs[0].message, 'm');
  t.match(recs[0].context.unserializable_context, /circular/i);
  t.match(recs[1].context.unserializable_context, /BigInt/);
});

t.test('lines are dropped and counted while the output is backed up', async (t) => {
  const written: string[] = [];
  const stream = { writableLength: MAX_BUFFERED_OUTPUT_BYTES + 1, write: (s: string) => written.push(s) };
  const out = new LineOutput(stream as unknown as NodeJS.WritableStream);
  out.write({ a: 1 });
  out.flush();
  t.same(written, []);
  stream.writableLength = 0;
  out.write({ a: 2 });
  out.flush();
  t.same(written, ['{"a":2}\n']);
  t.same(out.stats, { linesWritten: 1, linesDropped: 1 });
});

t.test('many lines in one turn: one write per 64 KiB, none lost', async (t) => {
  const writes: string[] = [];
  const out = new LineOutput({ writableLength: 0, write: (s: string) => writes.push(s) } as unknown as NodeJS.WritableStream);
  for (let i = 0; i < 2000; i++) out.write({ i, pad: 'x'.repeat(60) });
  await new Promise((r) => setImmediate(r));
  const lines = writes.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l).i);
  t.same(lines, Array.from({ length: 2000 }, (_, i) => i), 'every line, in order');
  t.ok(writes.length >= 2 && writes.length <= 4, `a few writes (${writes.length}), not 2000`);
});

t.test('lines still waiting at exit are written', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const lib = new URL('../../dist/instrument/index.js', import.meta.url).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const { createInstrumentation } = await import(${JSON.stringify(lib)}); const rf = createInstrumentation({ serviceName: 's' }); rf.log.info('last words'); process.exit(3);`], { encoding: 'utf8' });
  t.equal(r.status, 3);
  t.match(r.stdout, /"message":"last words"/);
});
