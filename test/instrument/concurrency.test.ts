// 50 interleaved requests, each awaiting random delays and calling B twice:
// every line must carry the ids of the request it was written for.
import t from 'tap';
import { createInstrumentation } from '../../src/instrument/index.js';
import { Capture, rawRequest, serve, sleep, trackingEvents } from './harness.js';

const N = 50;
const idOf = (i: number) => `${'0123456789abcdef'.repeat(2).slice(0, 28)}${i.toString(16).padStart(4, '0')}`;
const spanOf = (i: number) => `1.${i + 1}`;

for (const mode of ['flat', 'aggregated'] as const) {
  t.test(`${N} concurrent requests keep their own ids (${mode})`, async (t) => {
    const capB = new Capture();
    const B = createInstrumentation({ serviceName: 'b', output: capB, mode });
    const received: [string | undefined, string | undefined, string][] = [];
    const b = await serve(
      B.wrapServer(async (req, res) => {
        await sleep(Math.random() * 15);
        received.push([B.currentContext()?.requestId, B.currentContext()?.spanPath, req.url!]);
        res.end();
      }),
    );
    t.teardown(b.close);

    const capA = new Capture();
    const A = createInstrumentation({ serviceName: 'a', output: capA, mode });
    const a = await serve(
      A.wrapServer(async (req, res) => {
        const expected = new URL(req.url!, 'http://x').searchParams.get('i')!;
        A.log.info('begin', { expected });
        await sleep(Math.random() * 15);
        await (await A.fetch('b', `${b.url}/?from=${expected}`)).text();
        A.log.info('between', { expected });
        await sleep(Math.random() * 15);
        await A.traceDependency('cache', () => sleep(Math.random() * 5), { functionName: 'get' });
        await (await A.fetch('b', `${b.url}/?from=${expected}`)).text();
        A.log.info('end', { expected });
        res.end(A.currentContext()?.requestId);
      }),
    );
    t.teardown(a.close);

    const answers = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        await sleep(Math.random() * 10);
        return (await rawRequest(`${a.url}/?i=${i}`, { headers: { 'X-Hulu-Request-Id': idOf(i), 'X-Hulu-Span-Id': spanOf(i) } })).body;
      }),
    );
    t.same(answers, Array.from({ length: N }, (_, i) => idOf(i)), 'each handler saw its own id to the end');

    // B: each request id arrived twice, as <span>.1 and <span>.3 (.2 is the cache call), from the right request.
    t.equal(received.length, 2 * N);
    const bad = received.filter(([rid, span, url]) => {
      const i = Number(new URL(url, 'http://x').searchParams.get('from'));
      return rid !== idOf(i) || (span !== `${spanOf(i)}.1` && span !== `${spanOf(i)}.3`);
    });
    t.same(bad, [], 'B received ids consistent with the calling request');

    const recsA = await capA.until((r) => trackingEvents(r).filter((e) => e.category === 'request_end').length === N);
    // Application lines: the request they were written in is named in their context.
    const apps = recsA.filter((r) => r.category === 'application');
    t.equal(apps.length, 3 * N);
    t.same(
      apps.filter((r) => r.tracking_id !== idOf(Number(r.context.expected)) || r.span_id !== spanOf(Number(r.context.expected))),
      [],
      'application lines carry their request ids',
    );
    // Request and dependency events: each request has exactly its own children 1..3.
    const events = trackingEvents(recsA);
    for (let i = 0; i < N; i++) {
      const mine = events.filter((e) => e.tracking_id === idOf(i));
      const ok =
        mine.every((e) => e.span_id === spanOf(i)) &&
        JSON.stringify(mine.filter((e) => e.category === 'dependency_start').map((e) => e.context.dependency_span_id)) ===
          JSON.stringify([1, 2, 3].map((n) => `${spanOf(i)}.${n}`)) &&
        mine.filter((e) => e.category === 'dependency_end').length === 3 &&
        mine.length === 8;
      if (!ok) t.fail(`request ${i} events: ${JSON.stringify(mine)}`);
    }
    t.equal(events.length, 8 * N);
  });
}
