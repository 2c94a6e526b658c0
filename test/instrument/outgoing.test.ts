import * as http from 'node:http';
import t, { type Test } from 'tap';
import { createInstrumentation, type InstrumentationOptions } from '../../src/instrument/index.js';
import { Capture, closedPort, rawRequest, serve, type Json } from './harness.js';

const RID = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';

interface Seen {
  spanPath?: string;
  requestId?: string;
  /** Every X-Hulu-* header as it came on the wire: [name, value]. */
  hulu: [string, string][];
}

/** Service B (instrumented): remembers what each request carried; answers 503 `failFirst` times. */
async function serviceB(t: Test, failFirst = 0) {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'b', output: cap });
  const seen: Seen[] = [];
  let failures = failFirst;
  const s = await serve(
    rf.wrapServer((req, res) => {
      const hulu: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (/^x-hulu-/i.test(req.rawHeaders[i])) hulu.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      }
      seen.push({ spanPath: rf.currentContext()?.spanPath, requestId: rf.currentContext()?.requestId, hulu });
      res.statusCode = failures-- > 0 ? 503 : 200;
      res.end('b');
    }),
  );
  t.teardown(s.close);
  return { cap, seen, url: s.url, port: s.port };
}

/** Service A: its handler is `work`, run with A's instrumentation. */
async function serviceA(t: Test, work: (rf: ReturnType<typeof createInstrumentation>) => Promise<unknown>, opts: Partial<InstrumentationOptions> = {}) {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'a', output: cap, ...opts });
  const s = await serve(
    rf.wrapServer(async (_req, res) => {
      const result = await work(rf);
      res.end(JSON.stringify(result ?? null));
    }),
  );
  t.teardown(s.close);
  return { cap, rf, url: s.url };
}

const deps = (recs: Json[], category: string) => recs.filter((r) => r.category === category).map((r) => r.context);

t.test('A -> B: two calls get 1.1 and 1.2 with the same request id', async (t) => {
  const b = await serviceB(t);
  const a = await serviceA(t, async (rf) => {
    await (await rf.fetch('b', b.url + '/one')).text();
    await (await rf.fetch('b', b.url + '/two')).text();
  });
  await rawRequest(a.url, { headers: { 'X-Hulu-Request-Id': RID } });
  t.same(
    b.seen.map((s) => [s.requestId, s.spanPath]),
    [
      [RID, '1.1'],
      [RID, '1.2'],
    ],
  );
  const recs = await a.cap.until((r) => r.some((x) => x.category === 'request_end'));
  t.same(deps(recs, 'dependency_start'), [
    { dependency_span_id: '1.1', dependency_name: 'b', function_name: 'fetch' },
    { dependency_span_id: '1.2', dependency_name: 'b', function_name: 'fetch' },
  ]);
  t.same(deps(recs, 'dependency_end'), [
    { dependency_span_id: '1.1', dependency_name: 'b', function_name: 'fetch', exception: false },
    { dependency_span_id: '1.2', dependency_name: 'b', function_name: 'fetch', exception: false },
  ]);
  for (const r of recs.filter((x) => x.category?.startsWith('dependency'))) {
    t.equal(r.tracking_id, RID);
    t.equal(r.span_id, '1', 'dependency lines belong to the caller span');
  }
  // B logs its own work under the span it received.
  const bStarts = (await b.cap.until((r) => r.filter((x) => x.category === 'request_end').length === 2)).filter((x) => x.category === 'request_start');
  t.same(bStarts.map((x) => [x.tracking_id, x.span_id]), [
    [RID, '1.1'],
    [RID, '1.2'],
  ]);
});

t.test('a callee of span 1.3 calls out as 1.3.1, 1.3.2 (fetch, request, traceDependency)', async (t) => {
  const b = await serviceB(t);
  const a = await serviceA(t, async (rf) => {
    await (await rf.fetch('b', b.url)).text();
    await new Promise<void>((resolve, reject) => {
      rf.request('b', b.url + '/r', { method: 'GET' }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
    });
    return rf.traceDependency('cache', async (call) => call?.spanPath, { functionName: 'get' });
  });
  const res = await rawRequest(a.url, { headers: { 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.3' } });
  t.same(b.seen.map((s) => s.spanPath), ['1.3.1', '1.3.2']);
  t.equal(JSON.parse(res.body), '1.3.3');
});

t.test('a retry is a new call with a new span path; 5xx counts as exception', async (t) => {
  const b = await serviceB(t, 1);
  const a = await serviceA(t, async (rf) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await rf.fetch('b', b.url);
      await res.text();
      if (res.ok) return attempt;
    }
  });
  const res = await rawRequest(a.url, { headers: { 'X-Hulu-Request-Id': RID } });
  t.equal(res.body, '1', 'succeeded on the second attempt');
  t.same(b.seen.map((s) => s.spanPath), ['1.1', '1.2']);
  const recs = await a.cap.until((r) => r.some((x) => x.category === 'request_end'));
  t.same(
    deps(recs, 'dependency_end').map((c) => [c.dependency_span_id, c.exception, c.response]),
    [
      ['1.1', true, '503 Service Unavailable'],
      ['1.2', false, undefined],
    ],
  );
});

t.test('headers are sent with logging off, and nothing is written', async (t) => {
  const b = await serviceB(t);
  const a = await serviceA(
    t,
    async (rf) => {
      rf.log.error('not written');
      await (await rf.fetch('b', b.url)).text();
      await rf.traceDependency('db', async () => 1, { functionName: 'q' });
      await (await rf.fetch('b', b.url)).text();
    },
    { logging: false },
  );
  const res = await rawRequest(a.url, { headers: { 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.4' } });
  t.equal(res.headers['x-hulu-request-id'], RID, 'response header also set');
  t.same(b.seen.map((s) => s.hulu), [
    [
      ['x-hulu-request-id', RID],
      ['x-hulu-span-id', '1.4.1'],
    ],
    [
      ['x-hulu-request-id', RID],
      ['x-hulu-span-id', '1.4.3'],
    ],
  ]);
  t.equal(a.cap.text, '');
});

t.test('X-Hulu ids the caller passed are replaced, never sent twice', async (t) => {
  const b = await serviceB(t);
  const stale = { 'x-hulu-request-id': 'ffffffffffffffffffffffffffffffff', 'X-HULU-SPAN-ID': '9.9', 'X-Hulu-Device': 'tv' };
  const a = await serviceA(t, async (rf) => {
    await (await rf.fetch('b', b.url, { headers: stale })).text();
    await (await rf.fetch('b', new Request(b.url, { headers: stale }))).text();
    const viaRequest = (headers: http.OutgoingHttpHeaders | string[]) =>
      new Promise<void>((resolve, reject) => {
        rf.request('b', { host: '127.0.0.1', port: b.port, path: '/', headers }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
      });
    await viaRequest(stale);
    // With a header list node:http adds no Host header itself.
    await viaRequest(['Host', `127.0.0.1:${b.port}`, 'X-Hulu-Span-Id', '9.9', 'x-hulu-request-id', 'ffffffffffffffffffffffffffffffff', 'X-Hulu-Device', 'tv']);
  });
  await rawRequest(a.url, { headers: { 'X-Hulu-Request-Id': RID } });
  t.equal(b.seen.length, 4);
  b.seen.forEach((s, i) => {
    const sorted = [...s.hulu].sort();
    t.same(sorted, [
      ['x-hulu-device', 'tv'],
      ['x-hulu-request-id', RID],
      ['x-hulu-span-id', `1.${i + 1}`],
    ], `call ${i + 1}`);
  });
});

t.test('network errors are exception=true with the error text, and are rethrown', async (t) => {
  const port = await closedPort();
  const a = await serviceA(t, async (rf) => {
    const fetchErr = await rf.fetch('gone', `http://127.0.0.1:${port}/`).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    const requestErr = await new Promise((resolve) => {
      rf.request('gone', `http://127.0.0.1:${port}/`, () => resolve('response'))
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code))
        .end();
    });
    return [fetchErr, requestErr];
  });
  const res = await rawRequest(a.url);
  t.same(JSON.parse(res.body), ['TypeError', 'ECONNREFUSED']);
  const ends = deps(await a.cap.until((r) => r.some((x) => x.category === 'request_end')), 'dependency_end');
  t.same(ends.map((c) => [c.dependency_span_id, c.dependency_name, c.function_name, c.exception]), [
    ['1.1', 'gone', 'fetch', true],
    ['1.2', 'gone', 'http.request', true],
  ]);
  t.match(ends[0].response, /^TypeError: fetch failed \(.*ECONNREFUSED/);
  t.match(ends[1].response, /^Error: connect ECONNREFUSED/);
});

t.test('traceDependency: result, rethrow, ids for the callee, args only with logArgs', async (t) => {
  for (const logArgs of [false, true]) {
    const thrown = new Error('miss');
    const a = await serviceA(
      t,
      async (rf) => {
        const got = await rf.traceDependency('redis', (call) => ({ ...call?.headers }), { functionName: 'get', args: ['k1'], kwargs: { ttl: 5 } });
        const err = await rf
          .traceDependency('redis', async () => {
            throw thrown;
          }, { functionName: 'get' })
          .catch((e) => e);
        return [got, err === thrown];
      },
      { logArgs },
    );
    const res = await rawRequest(a.url, { headers: { 'X-Hulu-Request-Id': RID } });
    t.same(JSON.parse(res.body), [{ 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.1' }, true], `logArgs=${logArgs}: result and rethrow`);
    const recs = await a.cap.until((r) => r.some((x) => x.category === 'request_end'));
    const expectedStart = logArgs
      ? [
          { dependency_span_id: '1.1', dependency_name: 'redis', function_name: 'get', args: ['k1'], kwargs: { ttl: 5 } },
          { dependency_span_id: '1.2', dependency_name: 'redis', function_name: 'get', args: [], kwargs: {} },
        ]
      : [
          { dependency_span_id: '1.1', dependency_name: 'redis', function_name: 'get' },
          { dependency_span_id: '1.2', dependency_name: 'redis', function_name: 'get' },
        ];
    t.same(deps(recs, 'dependency_start'), expectedStart, `logArgs=${logArgs}: dependency_start`);
    t.same(deps(recs, 'dependency_end'), [
      { dependency_span_id: '1.1', dependency_name: 'redis', function_name: 'get', exception: false },
      { dependency_span_id: '1.2', dependency_name: 'redis', function_name: 'get', exception: true, response: 'Error: miss' },
    ]);
  }
});

t.test('logArgs: fetch and request log method and URL without the query string', async (t) => {
  const b = await serviceB(t);
  const a = await serviceA(
    t,
    async (rf) => {
      await (await rf.fetch('b', b.url + '/p?token=SECRET', { method: 'post', body: 'x' })).text();
      await new Promise<void>((resolve) => rf.request('b', { host: '127.0.0.1', port: b.port, path: '/q?k=SECRET', method: 'PUT' }, (r) => r.resume().on('end', resolve)).end());
    },
    { logArgs: true },
  );
  await rawRequest(a.url);
  const starts = deps(await a.cap.until((r) => r.some((x) => x.category === 'request_end')), 'dependency_start');
  t.same(starts.map((c) => c.args), [
    ['POST', b.url + '/p'],
    ['PUT', b.url + '/q'],
  ]);
  t.notMatch(a.cap.text, /SECRET/);
});

t.test('outside a request: no headers added, nothing logged, fn gets undefined', async (t) => {
  const b = await serviceB(t);
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'a', output: cap });
  await (await rf.fetch('b', b.url)).text();
  await new Promise<void>((resolve) => rf.request('b', b.url, (r) => r.resume().on('end', resolve)).end());
  t.equal(await rf.traceDependency('db', (call) => call, { functionName: 'q' }), undefined);
  t.same(b.seen.map((s) => s.hulu), [[], []]);
  t.equal(cap.text, '');
  t.equal(rf.currentContext(), undefined);
});
