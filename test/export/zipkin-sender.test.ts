// The sender against the real Zipkin: one span Zipkin refuses does not sink
// its batch, an oversized batch is split until Zipkin takes it, and an
// unreachable Zipkin ends in a counted failure once giveUp() says stop.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { ZipkinSender } from '../../src/export/zipkin-sender.js';
import type { ZipkinSpan } from '../../src/export/zipkin-span.js';
import { Counters } from '../../src/observe/counters.js';
import { Logger } from '../../src/observe/logger.js';
import { getTrace, waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';
import { freePort } from '../../src/demo/zipkin-server.js';

const base = zipkinBaseUrl();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const NOW_US = Date.now() * 1000;

function setup(url: string) {
  const counters = new Counters();
  const logged: Record<string, unknown>[] = [];
  const log = new Logger({ level: 'debug', write: (l) => logged.push(JSON.parse(l)) });
  const sender = new ZipkinSender({ url, headers: {}, localIp: '', retryInitialMs: 10, retryMaxMs: 20, batchMaxBytes: 4_194_304 }, counters, log);
  return { sender, counters, logged };
}

const span = (traceId: string, i: number, extra: Partial<ZipkinSpan> = {}): ZipkinSpan => ({
  traceId, id: `${(i + 1).toString(16).padStart(16, '0')}`, name: `op ${i}`, timestamp: NOW_US + i, duration: 10,
  localEndpoint: { serviceName: 'sender-test' }, tags: {}, ...extra,
} as ZipkinSpan);

t.test('a span Zipkin refuses is set aside; the rest of its batch is delivered', async (t) => {
  const { sender, counters, logged } = setup(`${base}/api/v2/spans`);
  const traceId = `e${hex(15)}1`;
  const batch = Array.from({ length: 10 }, (_, i) => span(traceId, i));
  // Zipkin answers 400 "invalid port" for the whole POST because of this one.
  batch[6] = span(traceId, 6, { localEndpoint: { serviceName: 'sender-test', port: 99999 } as never });
  const outcome = await sender.deliver(batch, () => false);
  t.same(outcome, { delivered: 9, setAside: 1, failed: 0 });
  const stored = await waitForTrace(base, traceId, { minSpans: 9 });
  t.same(stored.map((s) => s.name).sort(), batch.filter((_, i) => i !== 6).map((s) => s.name).sort());
  t.equal(counters.get('export.spans_set_aside'), 1);
  t.match(logged.find((l) => l.msg === 'span_set_aside'), { spanId: batch[6]!.id, reason: /refused by Zipkin.*400/ });
});

t.test('a batch over Zipkin\'s request size limit goes out in POSTs it accepts', async (t) => {
  const { sender } = setup(`${base}/api/v2/spans`);
  const posts: number[] = [];
  sender.onPost = (_ms, ok, n) => posts.push(ok ? n : -n);
  const traceId = `f${hex(15)}2`;
  // ~120 KB each: 14 MB in all, over the 10 MiB Zipkin takes in one POST.
  const big = Object.fromEntries(Array.from({ length: 60 }, (_, j) => [`t${j}`, 'v'.repeat(2000)]));
  const batch = Array.from({ length: 120 }, (_, i) => span(traceId, i, { tags: big }));
  const outcome = await sender.deliver(batch, () => false);
  t.same(outcome, { delivered: 120, setAside: 0, failed: 0 });
  t.ok(posts.length >= 4 && posts.every((n) => n > 0), `every POST accepted (${posts.join(', ')} spans)`);
  const stored = await waitForTrace(base, traceId, { minSpans: 120, timeoutMs: 30_000 });
  t.equal(stored.length, 120);
});

t.test('an unreachable Zipkin: retried, then counted as failed when giveUp() says stop', async (t) => {
  const port = await freePort(); // nothing listens there
  const { sender, counters } = setup(`http://127.0.0.1:${port}/api/v2/spans`);
  let attempts = 0;
  const traceId = `d${hex(15)}3`;
  const outcome = await sender.deliver([span(traceId, 0), span(traceId, 1)], () => ++attempts > 3);
  t.same(outcome, { delivered: 0, setAside: 0, failed: 2 });
  t.equal(counters.get('export.retries'), 3, 'three retries before giving up');
  t.equal(counters.get('dropped.export_failed'), 2);
  t.match(sender.lastError, /ECONNREFUSED|connect/);
  t.equal(await getTrace(base, traceId), undefined);
});

t.test('a wrong path (404) is retried like an outage, never set aside', async (t) => {
  const { sender, counters, logged } = setup(`${base}/api/v2/span`); // "span": Zipkin answers 404
  let attempts = 0;
  const traceId = `b${hex(15)}4`;
  const outcome = await sender.deliver([span(traceId, 0)], () => ++attempts > 2);
  t.same(outcome, { delivered: 0, setAside: 0, failed: 1 }, 'not delivered, not set aside');
  t.equal(counters.get('export.spans_set_aside'), 0);
  t.equal(counters.get('export.retries'), 2);
  t.match(logged.find((l) => l.msg === 'export_endpoint_refused'), { status: 404, hint: /api\/v2\/spans/ });
});
