import * as http from 'node:http';
import t, { type Test } from 'tap';
import { createInstrumentation, type Middleware } from '../../src/instrument/index.js';
import { Capture, rawRequest, serve, sleep, type Json } from './harness.js';

const RID = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
const HEX32 = /^[0-9a-f]{32}$/;

const byCategory = (recs: Json[], category: string) => recs.filter((r) => r.category === category);

/** A server whose handler answers with the context it sees; lines go to `cap`. */
async function echoServer(t: Test, extra: Parameters<typeof createInstrumentation>[0] = { serviceName: 'svc' }) {
  const cap = new Capture();
  const rf = createInstrumentation({ ...extra, output: cap });
  const s = await serve(
    rf.wrapServer((_req, res) => {
      const ctx = rf.currentContext();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ requestId: ctx?.requestId, spanPath: ctx?.spanPath }));
    }),
  );
  t.teardown(s.close);
  return { cap, rf, s };
}

t.test('incoming ids: header forms, normalisation, header name case', async (t) => {
  const { cap, s } = await echoServer(t);
  const rows: { name: string; headers: Record<string, string>; requestId?: string; spanPath: string }[] = [
    { name: 'lowercase hex kept', headers: { 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.2' }, requestId: RID, spanPath: '1.2' },
    { name: 'uppercase uuid with dashes normalised', headers: { 'X-Hulu-Request-Id': '5F1C0E2A-9B7D-4C3E-8A6F-0B1D2C3E4F50', 'X-Hulu-Span-Id': '1.2.3' }, requestId: RID, spanPath: '1.2.3' },
    { name: 'header names in upper case', headers: { 'X-HULU-REQUEST-ID': RID, 'X-HULU-SPAN-ID': '1.7' }, requestId: RID, spanPath: '1.7' },
    { name: 'header names in lower case', headers: { 'x-hulu-request-id': RID, 'x-hulu-span-id': '1.8' }, requestId: RID, spanPath: '1.8' },
    { name: 'invalid id and span: new id, span 1', headers: { 'X-Hulu-Request-Id': 'abc-123', 'X-Hulu-Span-Id': '1.x' }, spanPath: '1' },
    { name: 'no headers: new id, span 1', headers: {}, spanPath: '1' },
  ];
  for (const row of rows) {
    const res = await rawRequest(s.url + '/r', { headers: row.headers });
    const seen = JSON.parse(res.body);
    if (row.requestId !== undefined) t.equal(seen.requestId, row.requestId, `${row.name}: id`);
    else {
      t.match(seen.requestId, HEX32, `${row.name}: new id is 32 hex`);
      t.not(seen.requestId, row.headers['X-Hulu-Request-Id'], `${row.name}: not the invalid one`);
    }
    t.equal(seen.spanPath, row.spanPath, `${row.name}: span`);
    t.equal(res.headers['x-hulu-request-id'], seen.requestId, `${row.name}: response header`);
  }
  const starts = byCategory(await cap.until((r) => byCategory(r, 'request_end').length === rows.length), 'request_start');
  t.same(
    starts.map((r) => r.span_id),
    rows.map((r) => r.spanPath),
  );
  const fresh = starts.slice(-2).map((r) => r.tracking_id);
  t.not(fresh[0], fresh[1], 'each request without a valid id gets its own');
});

t.test('request_start: url fields, method, sensitive headers and parameters removed', async (t) => {
  const { cap, s } = await echoServer(t);
  const secrets = {
    Cookie: 'sid=SECRET1',
    Authorization: 'Bearer SECRET2',
    'X-Api-Key': 'SECRET3',
    'Proxy-Authorization': 'Basic SECRET4',
    'X-Auth-Token': 'SECRET5',
    'X-Session-Id': 'SECRET6',
    'X-Client-Secret': 'SECRET7',
    'X-Password': 'SECRET8',
  };
  await rawRequest(`${s.url}/shelf?id=home&access_token=SECRET9&device=3&device=4`, { headers: { ...secrets, 'X-Custom': 'keep', 'X-Hulu-Request-Id': RID } });
  const recs = await cap.until((r) => byCategory(r, 'request_end').length === 1);
  t.notMatch(cap.text, /SECRET/, 'no secret value anywhere in the output');
  const ctx = byCategory(recs, 'request_start')[0].context;
  t.equal(ctx.url_full, `http://127.0.0.1:${s.port}/shelf?id=home&device=3&device=4`);
  t.equal(ctx.url_host, `127.0.0.1:${s.port}`);
  t.equal(ctx.url_path, '/shelf');
  t.same(ctx.url_args, { id: 'home', device: ['3', '4'] });
  t.equal(ctx.http_method, 'GET');
  t.equal(ctx.headers['x-custom'], 'keep');
  t.equal(ctx.headers['x-hulu-request-id'], RID);
  for (const name of Object.keys(secrets)) t.notOk(name.toLowerCase() in ctx.headers, `${name} absent`);
  t.notOk('body' in ctx, 'no body without logBodies');
});

t.test('request_end: status line, response headers, no exception', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  const s = await serve(
    rf.wrapServer((_req, res) => {
      res.setHeader('Set-Cookie', 'sid=SECRET');
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Session-Token': 'SECRET' });
      res.end('{"ok":true}');
    }),
  );
  t.teardown(s.close);
  const res = await rawRequest(s.url, { headers: { 'X-Hulu-Request-Id': RID } });
  t.equal(res.status, 201);
  const end = byCategory(await cap.until((r) => byCategory(r, 'request_end').length === 1), 'request_end')[0];
  t.equal(end.tracking_id, RID);
  t.equal(end.span_id, '1');
  t.equal(end.levelname, 'INFO');
  t.same(end.context, {
    r_status: '201 Created',
    r_headers: { 'x-hulu-request-id': RID, 'content-type': 'application/json' },
    r_exception: { msg: null, traceback: null },
  });
});

t.test('a throwing or rejecting handler: 500 and r_exception', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  const s = await serve(
    rf.wrapServer(async (req, res) => {
      if (req.url === '/sync') throw new Error('boom sync');
      await sleep(2);
      if (req.url === '/async') throw new TypeError('boom async');
      res.end();
    }),
  );
  t.teardown(s.close);
  t.equal((await rawRequest(s.url + '/async')).status, 500);
  const ends = byCategory(await cap.until((r) => byCategory(r, 'request_end').length === 1), 'request_end');
  t.equal(ends[0].context.r_status, '500 Internal Server Error');
  t.equal(ends[0].context.r_exception.msg, 'boom async');
  t.match(ends[0].context.r_exception.traceback, /^TypeError: boom async\n\s+at /);
  t.equal(ends[0].levelname, 'ERROR');
});

t.test('a synchronous throw is caught too', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  const s = await serve(
    rf.wrapServer(() => {
      throw new Error('boom sync');
    }),
  );
  t.teardown(s.close);
  t.equal((await rawRequest(s.url)).status, 500);
  const end = byCategory(await cap.until((r) => byCategory(r, 'request_end').length === 1), 'request_end')[0];
  t.equal(end.context.r_exception.msg, 'boom sync');
});

t.test('markError records the error; the first one wins', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  const s = await serve(
    rf.wrapServer((_req, res) => {
      rf.markError(new Error('upstream down'));
      rf.currentContext()!.markError('second');
      res.statusCode = 503;
      res.end();
    }),
  );
  t.teardown(s.close);
  await rawRequest(s.url);
  const end = byCategory(await cap.until((r) => byCategory(r, 'request_end').length === 1), 'request_end')[0];
  t.equal(end.context.r_status, '503 Service Unavailable');
  t.equal(end.context.r_exception.msg, 'upstream down');
  t.match(end.context.r_exception.traceback, /Error: upstream down/);
  t.doesNotThrow(() => rf.markError(new Error('outside')), 'no-op outside a request');
});

t.test('logBodies: request and response bodies', async (t) => {
  for (const mode of ['flat', 'aggregated'] as const) {
    const cap = new Capture();
    const rf = createInstrumentation({ serviceName: 'svc', output: cap, logBodies: true, mode });
    const s = await serve(
      rf.wrapServer((req, res) => {
        let got = '';
        req.on('data', (d) => (got += d));
        req.on('end', () => {
          res.write('got ');
          res.end(Buffer.from(got.length.toString()));
        });
      }),
    );
    await rawRequest(s.url, { method: 'POST', body: '{"lang":"en"}', headers: { 'content-type': 'application/json' } });
    await rawRequest(s.url, { method: 'POST', body: 'plain text', headers: { 'content-type': 'text/plain' } });
    await s.close();
    const events = (await cap.until((r) => r.length === (mode === 'flat' ? 4 : 2))).flatMap((r) => (mode === 'flat' ? [r] : r.context.events));
    const starts = events.filter((e) => e.category === 'request_start');
    const ends = events.filter((e) => e.category === 'request_end');
    t.same(starts.map((e) => e.context.body), [{ lang: 'en' }, 'plain text'], `${mode}: request bodies`);
    t.same(ends.map((e) => e.context.r_body), ['got 13', 'got 10'], `${mode}: response bodies`);
  }
});

t.test('logBodies: a body parsed by an earlier middleware is used as is', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap, logBodies: true });
  const bodyParsed: Middleware = (req, _res, next) => {
    (req as { body?: unknown }).body = { parsed: true };
    next();
  };
  const s = await serve((req, res) => bodyParsed(req, res, () => rf.middleware(req, res, () => res.end())));
  t.teardown(s.close);
  await rawRequest(s.url, { method: 'POST', body: 'x=1' });
  const start = byCategory(await cap.until((r) => r.length === 2), 'request_start')[0];
  t.same(start.context.body, { parsed: true });
});

t.test('middleware: context survives body-reading middleware (event listeners) and awaits', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  // A body parser as body-parser does it: listeners on the request, next() from 'end'.
  const readBody: Middleware = (req, _res, next) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      (req as { body?: unknown }).body = text;
      next();
    });
  };
  const handler: Middleware = async (req, res) => {
    const inHandler = rf.currentContext()?.requestId;
    await sleep(Math.random() * 10);
    res.end(JSON.stringify({ inHandler, afterAwait: rf.currentContext()?.requestId, body: (req as { body?: unknown }).body }));
  };
  const chain = [rf.middleware, readBody, handler];
  const s = await serve((req, res) => {
    const run = (i: number): void => chain[i](req, res, () => run(i + 1));
    run(0);
  });
  t.teardown(s.close);
  const ids = Array.from({ length: 10 }, (_, i) => RID.slice(0, 30) + String(i).padStart(2, '0'));
  const answers = await Promise.all(ids.map((id) => rawRequest(s.url, { method: 'POST', body: `body-${id}`, headers: { 'X-Hulu-Request-Id': id } })));
  t.same(
    answers.map((a) => JSON.parse(a.body)),
    ids.map((id) => ({ inHandler: id, afterAwait: id, body: `body-${id}` })),
  );
  t.equal(byCategory(await cap.until((r) => byCategory(r, 'request_end').length === 10), 'request_start').length, 10);
});

t.test('middleware mounted twice instruments once', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  const s = await serve((req, res) => rf.middleware(req, res, () => rf.middleware(req, res, () => rf.wrapServer((_q, r) => r.end())(req, res))));
  t.teardown(s.close);
  await rawRequest(s.url);
  await sleep(20);
  const recs = await cap.until((r) => byCategory(r, 'request_end').length >= 1);
  t.equal(byCategory(recs, 'request_start').length, 1);
  t.equal(byCategory(recs, 'request_end').length, 1);
});

t.test('a client that disconnects before the response: request_end without status, with exception', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap });
  const s = await serve(rf.wrapServer(() => {})); // never answers
  t.teardown(s.close);
  const req = http.request(s.url, { agent: false });
  req.on('error', () => {});
  req.end();
  await cap.until((r) => byCategory(r, 'request_start').length === 1);
  req.destroy();
  const end = byCategory(await cap.until((r) => byCategory(r, 'request_end').length === 1), 'request_end')[0];
  t.notOk('r_status' in end.context, 'status unknown');
  t.match(end.context.r_exception.msg, /closed before the response/);
});
