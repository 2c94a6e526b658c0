// Checks the harness itself against the real Zipkin started by run-tests.mjs,
// and pins down Zipkin behaviour that the exporter's validation relies on.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import {
  findTraces,
  getDependencies,
  getServices,
  getSpanNames,
  getTrace,
  postSpans,
  waitForTrace,
  zipkinBaseUrl,
  type ZipkinSpan,
} from '../support/zipkin-api.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
// Same era as test/fixtures/legacy (2025-11-30), to prove old data is queryable.
const FIXTURE_ERA_US = 1764511500 * 1_000_000;

t.test('parent/child spans round-trip through Zipkin', async (t) => {
  const base = zipkinBaseUrl();
  // Non-zero first byte: Zipkin shortens 128-bit ids whose high half is zero.
  const traceId = `8${hex(15)}1`;
  const run = hex(3);
  const parentSvc = `smoke-front-${run}`;
  const childSvc = `smoke-back-${run}`;
  const parent: ZipkinSpan = {
    traceId,
    id: hex(8),
    name: 'get /checkout',
    kind: 'SERVER',
    timestamp: FIXTURE_ERA_US,
    duration: 12_000,
    localEndpoint: { serviceName: parentSvc },
    tags: { 'http.status_code': '200', run },
  };
  const child: ZipkinSpan = {
    traceId,
    id: hex(8),
    parentId: parent.id,
    name: 'charge card',
    kind: 'SERVER',
    timestamp: FIXTURE_ERA_US + 1_000,
    duration: 5_000,
    localEndpoint: { serviceName: childSvc },
  };

  const res = await postSpans(base, [parent, child]);
  t.equal(res.status, 202, 'Zipkin accepts the spans');

  const trace = await waitForTrace(base, traceId, { minSpans: 2, timeoutMs: 15_000 });
  t.equal(trace.length, 2, 'both spans stored');
  const byId = new Map(trace.map((s) => [s.id, s]));
  t.equal(byId.get(parent.id)?.name, 'get /checkout');
  t.equal(byId.get(parent.id)?.parentId, undefined, 'parent is a root span');
  t.equal(byId.get(child.id)?.name, 'charge card');
  t.equal(byId.get(child.id)?.parentId, parent.id, 'child points at parent');
  t.equal(byId.get(child.id)?.traceId, traceId, '128-bit trace id kept');

  t.same(await getTrace(base, 'ffffffffffffff01'), undefined, 'unknown trace -> undefined (404)');

  const services = await getServices(base);
  t.ok(services.includes(parentSvc) && services.includes(childSvc), 'services listed');
  t.same(await getSpanNames(base, parentSvc), ['get /checkout']);

  // No endTs/lookback: relies on the harness's large QUERY_LOOKBACK default.
  const found = await findTraces(base, { serviceName: parentSvc });
  t.equal(found.length, 1, 'old-timestamp trace found with default lookback');
  const byTag = await findTraces(base, { annotationQuery: `run=${run}`, endTs: FIXTURE_ERA_US / 1000 + 60_000, lookbackMs: 3_600_000 });
  t.equal(byTag[0]?.[0]?.traceId, traceId, 'annotationQuery with explicit endTs/lookback');

  const links = await getDependencies(base, { endTs: FIXTURE_ERA_US / 1000 + 60_000, lookbackMs: 3_600_000 });
  // Other test files may share this Zipkin and time window: look for ours only.
  t.match(
    links.find((l) => l.parent === parentSvc),
    { parent: parentSvc, child: childSvc, callCount: 1 },
    'dependency link derived',
  );
});

t.test('Zipkin rejects a fractional timestamp with 400', async (t) => {
  const base = zipkinBaseUrl();
  const traceId = `9${hex(15)}`;
  const res = await postSpans(base, [
    {
      traceId,
      id: hex(8),
      name: 'fractional',
      timestamp: FIXTURE_ERA_US + 0.5,
      duration: 1_000,
      localEndpoint: { serviceName: 'smoke-fraction' },
    },
  ]);
  t.equal(res.status, 400);
  t.match(await res.text(), /Expected a long/, 'error names the integer requirement');
  t.equal(await getTrace(base, traceId), undefined, 'nothing of the batch was stored');
});
