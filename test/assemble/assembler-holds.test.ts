// The assembler's hold-back offsets, with plain data: after each record,
// where each source's checkpoint must stay so a restart can rebuild every
// span still open; and the open-span bounds by count and bytes.
import t from 'tap';
import { SpanAssembler, type AssembleOptions } from '../../src/assemble/assembler.js';
import { decodeLine } from '../../src/decode/decode-line.js';
import type { LogEvent } from '../../src/decode/log-event.js';
import { Counters } from '../../src/observe/counters.js';
import { requestLines } from '../support/request-lines.js';

const opts = (o: Partial<AssembleOptions> = {}): AssembleOptions => ({
  privacy: { requestHeaders: [], responseHeaders: [], queryParams: [], bodies: false, dependencyArgs: false, sensitiveNamePattern: 'token' },
  limits: { maxTagValueLength: 2048, maxAnnotationLength: 1024, maxAnnotationsPerSpan: 128 },
  openSpanTimeoutMs: 60_000, maxOpenSpans: 1000, maxOpenSpanBytes: 1 << 30, ...o,
});

const events = (line: string): LogEvent[] => {
  const r = decodeLine(line);
  if (r.kind !== 'events') throw new Error(`not a request record: ${line}`);
  return r.events;
};

// Lines of two requests A and B (start, one call, one app line, end), one service.
const [aStart, aDepStart, aDepEnd, aApp, aEnd] = requestLines({ requestId: 'a'.repeat(32), service: 's', startS: 1764511500, calls: 1, apps: 1 });
const [bStart, , , , bEnd] = requestLines({ requestId: 'b'.repeat(32), service: 's', startS: 1764511501, calls: 1, apps: 1 });

type Step = [line: string, source: string, offset: number, wantHolds: Record<string, number | undefined>, wantDone: number];
const cases: Array<[name: string, steps: Step[]]> = [
  ['one request: held from its start until its end', [
    [aStart!, 'f1', 0, { f1: 0 }, 0],
    [aDepStart!, 'f1', 100, { f1: 0 }, 0],
    [aDepEnd!, 'f1', 200, { f1: 0 }, 1],
    [aApp!, 'f1', 300, { f1: 0 }, 0],
    [aEnd!, 'f1', 400, { f1: undefined }, 1],
  ]],
  ['overlapping requests: the earliest open start holds', [
    [aStart!, 'f1', 0, { f1: 0 }, 0],
    [bStart!, 'f1', 100, { f1: 0 }, 0],
    [aEnd!, 'f1', 200, { f1: 100 }, 1],
    [bEnd!, 'f1', 300, { f1: undefined }, 1],
  ]],
  ['the later request ends first: the earlier still holds', [
    [aStart!, 'f1', 0, { f1: 0 }, 0],
    [bStart!, 'f1', 100, { f1: 0 }, 0],
    [bEnd!, 'f1', 200, { f1: 0 }, 1],
    [aEnd!, 'f1', 300, { f1: undefined }, 1],
  ]],
  ['a span read from two files holds both (rotation in the middle of a request)', [
    [aStart!, 'old', 5000, { old: 5000, new: undefined }, 0],
    [aApp!, 'new', 0, { old: 5000, new: 0 }, 0],
    [aEnd!, 'new', 80, { old: undefined, new: undefined }, 1],
  ]],
  ['a record completing out of order (a joined chain) still holds exactly', [
    [bStart!, 'f1', 300, { f1: 300 }, 0],
    [aStart!, 'f1', 100, { f1: 100 }, 0],
    [aEnd!, 'f1', 400, { f1: 300 }, 1],
    [bEnd!, 'f1', 500, { f1: undefined }, 1],
  ]],
];

for (const [name, steps] of cases) {
  t.test(name, async (t) => {
    const a = new SpanAssembler(opts(), new Counters());
    for (const [line, source, offset, wantHolds, wantDone] of steps) {
      const done = a.add(events(line), 0, { source, offset, bytes: line.length });
      t.equal(done.length, wantDone, `spans completed at ${source}@${offset}`);
      for (const [s, want] of Object.entries(wantHolds)) t.equal(a.holdOffset(s), want, `hold of ${s} after ${source}@${offset}`);
    }
    t.equal(a.openBytes, 0, 'no bytes held once every span is closed');
  });
}

t.test('expiry releases the holds of the spans it exports', async (t) => {
  const counters = new Counters();
  const a = new SpanAssembler(opts({ openSpanTimeoutMs: 1000 }), counters);
  a.add(events(aStart!), 0, { source: 'f1', offset: 0, bytes: 10 });
  a.add(events(bStart!), 2000, { source: 'f1', offset: 50, bytes: 10 });
  t.equal(a.expire(1500).length, 1, 'A timed out');
  t.equal(a.holdOffset('f1'), 50, 'B still holds');
  t.equal(counters.get('incomplete.timed_out'), 1);
});

t.test('the byte bound exports the oldest span, counted, and releases its hold', async (t) => {
  const counters = new Counters();
  const a = new SpanAssembler(opts({ maxOpenSpanBytes: 1000 }), counters);
  t.same(a.add(events(aStart!), 0, { source: 'f1', offset: 0, bytes: 600 }), []);
  const out = a.add(events(bStart!), 0, { source: 'f1', offset: 600, bytes: 600 });
  t.equal(out.length, 1, 'A pushed out');
  t.equal(out[0]!.attributes['requestflow.incomplete'], 'missing_end');
  t.equal(counters.get('incomplete.evicted_for_bytes'), 1);
  t.equal(a.holdOffset('f1'), 600);
  t.equal(a.openBytes, 600);
});

t.test('the count bound exports the oldest span, counted', async (t) => {
  const counters = new Counters();
  const a = new SpanAssembler(opts({ maxOpenSpans: 1 }), counters);
  a.add(events(aStart!), 0, { source: 'f1', offset: 0, bytes: 1 });
  t.equal(a.add(events(bStart!), 0, { source: 'f1', offset: 10, bytes: 1 }).length, 1);
  t.equal(counters.get('incomplete.evicted'), 1);
  t.equal(a.holdOffset('f1'), 10);
});

t.test('a span built from a record cut at the limit carries requestflow.truncated', async (t) => {
  const a = new SpanAssembler(opts(), new Counters());
  a.add(events(aStart!), 0, { source: 'f1', offset: 0, bytes: 32768, cutFromBytes: 655360 });
  const [span] = a.add(events(aEnd!), 0, { source: 'f1', offset: 40000, bytes: 100 });
  t.equal(span!.attributes['requestflow.truncated'], 'record cut at 32768 of 655360 bytes');
});
