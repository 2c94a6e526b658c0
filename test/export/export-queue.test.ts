// The export queue with several POSTs in flight: acks (the checkpoints) are
// called in the order their spans were queued, whatever order the answers
// come in; a batch lost for good stops every later ack; no more than
// MAX_POSTS_IN_FLIGHT batches wait for an answer at once. The sender here is
// a double whose answers the test releases one by one (delivery itself is
// tested against the real Zipkin in zipkin-sender.test.ts and test/e2e).
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { toReadableSpan } from '../../src/assemble/otel-span.js';
import { ExportQueue, MAX_POSTS_IN_FLIGHT, type BatchSender } from '../../src/export/export-queue.js';
import type { SendOutcome } from '../../src/export/zipkin-sender.js';
import { Counters } from '../../src/observe/counters.js';

const TRACE = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
const span = (i: number): ReadableSpan => toReadableSpan({
  traceId: TRACE, spanId: (i + 1).toString(16).padStart(16, '0'), name: `s${i}`, kind: 'SERVER', service: 'svc',
  startUs: 1764511501180112 + i, endUs: 1764511501180112 + i + 10, attributes: {}, annotations: [],
});

/** Records every batch it is given; each answer waits until the test calls answer(n, outcome). */
class HeldSender implements BatchSender {
  readonly batches: { names: string[]; answer: (o: SendOutcome) => void }[] = [];
  sendBatch(spans: readonly ReadableSpan[]): Promise<SendOutcome> {
    return new Promise((resolve) => this.batches.push({ names: spans.map((s) => s.name), answer: resolve }));
  }
  answer(n: number, failed = false): void {
    const b = this.batches[n]!;
    b.answer(failed ? { delivered: 0, setAside: 0, failed: b.names.length } : { delivered: b.names.length, setAside: 0, failed: 0 });
  }
}

const tick = () => new Promise((r) => setImmediate(r));

/** Queues `batches` batches of 2 spans, each followed by an ack named after it. */
function setUp(batches: number) {
  const sender = new HeldSender();
  const queue = new ExportQueue(sender, { batchMaxSpans: 2, flushIntervalMs: 60_000, maxQueuedSpans: 1000, maxQueuedBytes: 1 << 30 }, new Counters());
  const acked: string[] = [];
  for (let b = 0; b < batches; b++) queue.enqueue([span(2 * b), span(2 * b + 1)], () => acked.push(`ack${b}`));
  return { sender, queue, acked };
}

t.test('answers in any order: acks in queue order', async (t) => {
  const cases: Array<[name: string, answerOrder: number[], ackedAfterEach: string[][]]> = [
    ['in order', [0, 1, 2], [['ack0'], ['ack0', 'ack1'], ['ack0', 'ack1', 'ack2']]],
    ['last first', [2, 1, 0], [[], [], ['ack0', 'ack1', 'ack2']]],
    ['middle first', [1, 0, 2], [[], ['ack0', 'ack1'], ['ack0', 'ack1', 'ack2']]],
    ['first, then last, then middle', [0, 2, 1], [['ack0'], ['ack0'], ['ack0', 'ack1', 'ack2']]],
  ];
  for (const [name, order, expected] of cases) {
    const { sender, acked } = setUp(3);
    t.same(sender.batches.map((b) => b.names), [['s0', 's1'], ['s2', 's3'], ['s4', 's5']], `${name}: all three batches sent before any answer`);
    for (let k = 0; k < order.length; k++) {
      sender.answer(order[k]!);
      await tick();
      t.same(acked, expected[k], `${name}: after answering batch ${order[k]}`);
    }
  }
});

t.test('a batch lost for good stops its own ack and every later one', async (t) => {
  const cases: Array<[name: string, failedBatch: number, answerOrder: number[], acked: string[]]> = [
    ['the first lost, the others delivered first', 0, [1, 2, 0], []],
    ['the second lost', 1, [0, 1, 2], ['ack0']],
    ['the last lost', 2, [2, 0, 1], ['ack0', 'ack1']],
  ];
  for (const [name, failed, order, expected] of cases) {
    const { sender, queue, acked } = setUp(3);
    for (const n of order) sender.answer(n, n === failed);
    await tick();
    t.same(acked, expected, name);
    queue.enqueue([span(100), span(101)], () => acked.push('later'));
    await tick();
    sender.answer(3);
    await tick();
    t.same(acked, expected, `${name}: nothing later either`);
    t.same(queue.totals, { delivered: 6, setAside: 0, failed: 2 }, `${name}: totals`);
  }
});

t.test(`no more than ${MAX_POSTS_IN_FLIGHT} batches wait for an answer`, async (t) => {
  const { sender, queue } = setUp(MAX_POSTS_IN_FLIGHT + 2);
  t.equal(sender.batches.length, MAX_POSTS_IN_FLIGHT, 'the rest wait');
  t.equal(queue.queuedSpans, 2 * (MAX_POSTS_IN_FLIGHT + 2), 'spans in flight still count as queued');
  sender.answer(1);
  await tick();
  t.equal(sender.batches.length, MAX_POSTS_IN_FLIGHT, 'a later answer frees no room while the first is out');
  sender.answer(0);
  await tick();
  t.equal(sender.batches.length, MAX_POSTS_IN_FLIGHT + 2, 'two settled: two more sent');
  t.equal(queue.queuedSpans, 2 * (MAX_POSTS_IN_FLIGHT + 2) - 4, 'and four spans are no longer queued');
});

t.test('an ack queued with no span waits for the batches in flight', async (t) => {
  const { sender, queue, acked } = setUp(2);
  queue.enqueue([], () => acked.push('checkpoint'));
  await tick();
  t.same(acked, [], 'not before its predecessors');
  sender.answer(1);
  await tick();
  t.same(acked, [], 'not after the later batch alone');
  sender.answer(0);
  await tick();
  t.same(acked, ['ack0', 'ack1', 'checkpoint']);
  queue.enqueue([], () => acked.push('idle'));
  t.same(acked, ['ack0', 'ack1', 'checkpoint', 'idle'], 'with nothing in flight: at once');
});

t.test('flush sends a partial batch and resolves once everything has settled', async (t) => {
  const { sender, queue, acked } = setUp(1);
  queue.enqueue([span(50)], () => acked.push('partial'));
  t.equal(sender.batches.length, 1, 'a partial batch waits for the timer or a flush');
  let flushed = false;
  const f = queue.flush().then(() => { flushed = true; });
  await tick();
  t.same(sender.batches.map((b) => b.names), [['s0', 's1'], ['s50']], 'flush sent it');
  sender.answer(1);
  await tick();
  t.notOk(flushed, 'not while the first batch is out');
  sender.answer(0);
  await f;
  t.same(acked, ['ack0', 'partial']);
  t.same(queue.totals, { delivered: 3, setAside: 0, failed: 0 });
});

t.test('the queue is full at maxQueuedBytes of span text too, and has room again once they are delivered', async (t) => {
  const sender = new HeldSender();
  const big = (i: number, chars: number) => toReadableSpan({
    traceId: TRACE, spanId: (i + 1).toString(16).padStart(16, '0'), name: 'n', kind: 'SERVER', service: 'svc',
    startUs: 1764511501180112, endUs: 1764511501180122, attributes: { note: 'x'.repeat(chars) }, annotations: [],
  });
  const queue = new ExportQueue(sender, { batchMaxSpans: 1, flushIntervalMs: 60_000, maxQueuedSpans: 1000, maxQueuedBytes: 10_000 }, new Counters(), 1);
  queue.enqueue([big(0, 4_000), big(1, 4_000)]);
  t.ok(queue.hasRoom(), 'two spans of ~4,000 characters: under 10,000');
  queue.enqueue([big(2, 4_000)]);
  t.notOk(queue.hasRoom(), 'a third: over, although 3 spans are far from maxQueuedSpans');
  t.ok(queue.queuedSpanBytes >= 12_000, `counted ${queue.queuedSpanBytes}`);
  let woken = false;
  void queue.waitForRoom().then(() => { woken = true; });
  sender.answer(0);
  await tick();
  t.ok(woken && queue.hasRoom(), 'one delivered: room again, the reader woken');
  sender.answer(1);
  await tick();
  sender.answer(2);
  await tick();
  t.equal(queue.queuedSpanBytes, 0, 'all delivered: nothing counted');
});
