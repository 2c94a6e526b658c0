import t from 'tap';
import { LineOutput } from '../../src/instrument/line-output.js';
import { MAX_BUFFERED_OUTPUT_BYTES } from '../../src/instrument/options.js';
import { Capture } from './harness.js';

t.test('one JSON object per line', async (t) => {
  const cap = new Capture();
  const out = new LineOutput(cap);
  out.write({ a: 1, context: { b: 'x\ny' } });
  out.write({ a: 2 });
  t.equal(cap.text, '{"a":1,"context":{"b":"x\\ny"}}\n{"a":2}\n');
  t.same(out.stats, { linesWritten: 2, linesDropped: 0 });
});

t.test('an unserialisable context does not throw or lose the line', async (t) => {
  const cap = new Capture();
  const out = new LineOutput(cap);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  out.write({ message: 'm', context: circular });
  out.write({ message: 'n', context: { big: 10n } });
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
  t.same(written, []);
  stream.writableLength = 0;
  out.write({ a: 2 });
  t.same(written, ['{"a":2}\n']);
  t.same(out.stats, { linesWritten: 1, linesDropped: 1 });
});
