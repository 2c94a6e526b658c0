// The three shared legacy fixtures through the real `requestflow --once`
// binary into the real Zipkin server, read back through Zipkin's own API.
// Every expected value below is read off the fixture files by hand (times in
// µs from the `timestamp` fields) and written out here, not computed by the
// code under test. Span ids follow the formula documented in the README.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fixtures, runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import {
  findTraces, getDependencies, getServices, getSpanNames, waitForTrace, zipkinBaseUrl, type ZipkinSpan,
} from '../support/zipkin-api.js';

const legacy = (name: string) => join(fixtures, 'legacy', name);
const spanId = (traceId: string, path: string, side: 'server' | 'client') =>
  createHash('sha256').update(`${traceId}/${path}/${side}`).digest('hex').slice(0, 16);

const SEARCH = '0a9e8d7c6b5a49382716f5e4d3c2b1a0';
const CATALOG = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
const GEO = 'c4d5e6f708192a3b4c5d6e7f80910a1b';

const base = zipkinBaseUrl();

/** Spans of a trace by (dotted span id, kind), failing on duplicates. */
function byPath(t: Test, trace: ZipkinSpan[]): Map<string, ZipkinSpan> {
  const m = new Map<string, ZipkinSpan>();
  for (const s of trace) {
    const key = `${s.tags?.['hulu.span_id']} ${s.kind}`;
    t.notOk(m.has(key), `one span for ${key}`);
    m.set(key, s);
  }
  return m;
}

t.before(async () => {
  const r = await runRequestflow([
    '--once', '--json', '--zipkin-url', spansUrl(base),
    legacy('flat-single-service.ndjson'), legacy('aggregated-two-services.ndjson'), legacy('request-end-variants.ndjson'),
  ]);
  if (r.code !== 0) throw new Error(`requestflow exited ${r.code}: ${r.stderr}`);
  summary = JSON.parse(r.stdout);
});
let summary: Record<string, unknown>;

t.test('the summary counts what the three files hold', async (t) => {
  // 7 + 3 + 1 lines; the urllib3 line has no category; 4 requests, 4 calls.
  t.equal(summary.linesRead, 11);
  t.same(summary.records, { application: 3, dependency_end: 4, dependency_start: 4, request_end: 4, request_start: 4 });
  t.same(summary.skipped, { no_category: 1 });
  t.same(summary.rejected, {});
  t.equal(summary.spansExported, 8, '4 SERVER + 4 CLIENT spans');
});

t.test('flat single service: one SERVER span, one CLIENT call, two annotations', async (t) => {
  const trace = await waitForTrace(base, SEARCH, { minSpans: 2 });
  t.equal(trace.length, 2);
  const spans = byPath(t, trace);
  const server = spans.get('1 SERVER')!;
  const client = spans.get('1.1 CLIENT')!;
  t.match(server, {
    traceId: SEARCH,
    id: spanId(SEARCH, '1', 'server'),
    // no http_method/url_path in this request_start: the generic name
    name: 'request',
    timestamp: 1764511620100200,
    duration: 69850,
    localEndpoint: { serviceName: 'search' },
    tags: { 'hulu.request_id': SEARCH, 'hulu.span_id': '1' },
  });
  t.equal(server.parentId, undefined, 'span 1 is the root');
  t.notOk('error' in (server.tags ?? {}), 'empty request_end context: not an error');
  t.notOk('http.status_code' in (server.tags ?? {}), 'status unknown');
  t.same(server.annotations, [
    { timestamp: 1764511620101900, value: 'INFO search.cache: cache miss for q=space docs' },
    { timestamp: 1764511620163400, value: 'STATS search: query took 58 ms, 40 hits' },
  ]);
  t.match(client, {
    id: spanId(SEARCH, '1.1', 'client'),
    parentId: server.id,
    kind: 'CLIENT',
    name: 'index run_query',
    timestamp: 1764511620102300,
    duration: 58700,
    localEndpoint: { serviceName: 'search' },
    remoteEndpoint: { serviceName: 'index' },
    tags: { 'peer.service': 'index', 'code.function': 'run_query', 'hulu.span_id': '1.1' },
  });
  t.notOk('error' in (client.tags ?? {}));
});

t.test('aggregated, two services: the callee span hangs under the caller\'s call', async (t) => {
  const trace = await waitForTrace(base, CATALOG, { minSpans: 4 });
  t.equal(trace.length, 4);
  const spans = byPath(t, trace);
  const catalog = spans.get('1 SERVER')!;
  const profilesCall = spans.get('1.1 CLIENT')!;
  const pricingCall = spans.get('1.2 CLIENT')!;
  const pricing = spans.get('1.2 SERVER')!;
  t.match(catalog, {
    id: spanId(CATALOG, '1', 'server'),
    name: 'post /shelf', // Zipkin lower-cases span names
    timestamp: 1764511501180112,
    duration: 51688,
    localEndpoint: { serviceName: 'catalog' },
    tags: { 'http.method': 'POST', 'http.path': '/shelf', 'http.status_code': '200', 'deployment.environment': 'staging' },
  });
  t.equal(catalog.parentId, undefined);
  // The flat application line written before the aggregated line still lands on the span.
  t.same(catalog.annotations, [{ timestamp: 1764511501214501, value: 'INFO catalog: resolved 12 items for shelf home' }]);
  t.match(profilesCall, {
    parentId: catalog.id, kind: 'CLIENT', name: 'profiles _make_request',
    timestamp: 1764511501190020, duration: 6524, remoteEndpoint: { serviceName: 'profiles' },
  });
  t.match(pricingCall, {
    id: spanId(CATALOG, '1.2', 'client'), parentId: catalog.id, kind: 'CLIENT', name: 'pricing _make_request',
    timestamp: 1764511501201500, duration: 7510, remoteEndpoint: { serviceName: 'pricing' },
  });
  t.match(pricing, {
    id: spanId(CATALOG, '1.2', 'server'),
    parentId: pricingCall.id, // computed by pricing's side alone
    kind: 'SERVER', name: 'get /price',
    timestamp: 1764511501203950, duration: 3750,
    localEndpoint: { serviceName: 'pricing' },
    tags: { 'http.status_code': '200', 'deployment.environment': 'stage' },
  });
  // Own time: 51.688 ms minus the calls (6.524 + 7.510, not overlapping).
  t.equal(catalog.tags?.['time.self_ms'], '37.654');
  t.equal(catalog.tags?.['time.calls_ms'], '14.034');
  for (const s of trace) t.notOk('error' in (s.tags ?? {}), `${s.name} is not an error`);
});

t.test('request_end variants: 503 with exception, failed dependency call', async (t) => {
  const trace = await waitForTrace(base, GEO, { minSpans: 2 });
  t.equal(trace.length, 2);
  const spans = byPath(t, trace);
  const server = spans.get('1 SERVER')!;
  const call = spans.get('1.1 CLIENT')!;
  t.match(server, {
    name: 'get /lookup', timestamp: 1764511700501000, duration: 11300,
    tags: {
      error: 'cache unavailable',
      'http.status_code': '503',
      'exception.message': 'cache unavailable',
      'exception.stacktrace': /CacheUnavailable: cache unavailable$/,
    },
  });
  t.match(call, {
    parentId: server.id, name: 'georedis cache_get', timestamp: 1764511700502000, duration: 7500,
    remoteEndpoint: { serviceName: 'georedis' },
    tags: { error: 'TimeoutError: read timed out after 5 ms' },
  });
});

t.test('every time is whole microseconds and every duration at least 1 µs', async (t) => {
  for (const id of [SEARCH, CATALOG, GEO]) {
    for (const s of await waitForTrace(base, id)) {
      t.ok(Number.isInteger(s.timestamp) && Number.isInteger(s.duration) && s.duration! >= 1, `${id} ${s.name}`);
      for (const a of s.annotations ?? []) t.ok(Number.isInteger(a.timestamp));
    }
  }
});

t.test('services, span names, dependency links and the error search', async (t) => {
  const services = await getServices(base);
  for (const s of ['search', 'catalog', 'pricing', 'geo']) t.ok(services.includes(s), `service ${s}`);
  // Callees that never log are not invented as traced services.
  for (const s of ['index', 'profiles', 'georedis']) t.notOk(services.includes(s), `${s} is only a callee`);
  // (The demo's test has a service called catalog too: look for ours only.)
  const names = await getSpanNames(base, 'catalog');
  for (const n of ['post /shelf', 'pricing _make_request', 'profiles _make_request']) t.ok(names.includes(n), `span name ${n}`);

  const endTs = 1764511700 * 1000 + 3_600_000;
  const links = await getDependencies(base, { endTs, lookbackMs: 6 * 3_600_000 });
  const link = (parent: string, child: string) => links.find((l) => l.parent === parent && l.child === child);
  t.match(link('search', 'index'), { callCount: 1 });
  t.notOk(link('search', 'index')?.errorCount, 'search -> index never failed');
  t.match(link('catalog', 'profiles'), { callCount: 1 });
  t.match(link('catalog', 'pricing'), { callCount: 1 });
  t.match(link('geo', 'georedis'), { callCount: 1, errorCount: 1 });

  const failing = await findTraces(base, { annotationQuery: 'error', endTs, lookbackMs: 6 * 3_600_000, limit: 100 });
  const failingIds = failing.map((tr) => tr[0]!.traceId);
  t.ok(failingIds.includes(GEO), 'the failed request is found by the error tag');
  t.notOk(failingIds.includes(SEARCH) || failingIds.includes(CATALOG), 'the good ones are not');
});
