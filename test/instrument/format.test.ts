// The lines written follow the shared log format (/work/shared/log-format.md),
// and flat and aggregated output describe the same events.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { decodeLine } from '../../src/decode/decode-line.js';
import { createInstrumentation, type OutputMode } from '../../src/instrument/index.js';
import { Capture, rawRequest, serve, trackingEvents, type Json } from './harness.js';

const CATEGORIES = ['request_start', 'request_end', 'dependency_start', 'dependency_end', 'application', 'aggregated'];
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const SPAN = /^[1-9]\d*(\.[1-9]\d*)*$/;
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems of one event's context by category, per the format description. */
function contextProblems(category: string, spanId: string, c: Json): string[] {
  const p: string[] = [];
  if (!isObject(c)) return ['context is not an object'];
  if (category === 'request_start') {
    for (const k of ['url_full', 'url_host', 'url_path', 'http_method']) if (typeof c[k] !== 'string') p.push(`${k} missing`);
    if (!isObject(c.url_args)) p.push('url_args not an object');
    if (!isObject(c.headers)) p.push('headers not an object');
  } else if (category === 'request_end') {
    if (!/^\d{3} \S/.test(c.r_status)) p.push(`r_status ${c.r_status}`);
    if (!isObject(c.r_headers)) p.push('r_headers not an object');
    if (!isObject(c.r_exception) || !('msg' in c.r_exception) || !('traceback' in c.r_exception)) p.push('r_exception lacks msg/traceback');
  } else if (category === 'dependency_start' || category === 'dependency_end') {
    if (typeof c.dependency_span_id !== 'string' || !c.dependency_span_id.startsWith(spanId + '.') || !SPAN.test(c.dependency_span_id)) p.push(`dependency_span_id ${c.dependency_span_id}`);
    if (category === 'dependency_start') {
      if (typeof c.dependency_name !== 'string') p.push('dependency_name missing');
      if (typeof c.function_name !== 'string') p.push('function_name missing');
    } else {
      if (typeof c.exception !== 'boolean') p.push('exception not boolean');
      if (c.exception && typeof c.response !== 'string') p.push('response text missing');
    }
  }
  return p;
}

/** Problems of one line; empty when it is a valid line of the format. */
function lineProblems(line: string): string[] {
  let r: Json;
  try {
    r = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  const p: string[] = [];
  if (!isObject(r)) return ['not an object'];
  if (typeof r.process !== 'number') p.push('process');
  if (!LEVELS.includes(r.levelname)) p.push(`levelname ${r.levelname}`);
  if (typeof r.name !== 'string') p.push('name');
  if (!(typeof r.message === 'string' || r.message === null)) p.push('message');
  if (typeof r.service_name !== 'string' || r.service_name === '') p.push('service_name');
  if (typeof r.human_timestamp !== 'string') p.push('human_timestamp');
  if (typeof r.timestamp !== 'number' || !/^\d{10}(\.\d{1,6})?$/.test(String(r.timestamp))) p.push(`timestamp ${r.timestamp}`);
  if (r.category === undefined) return p;
  if (!CATEGORIES.includes(r.category)) p.push(`category ${r.category}`);
  if (!/^[0-9a-f]{32}$/.test(r.tracking_id)) p.push(`tracking_id ${r.tracking_id}`);
  if (!SPAN.test(r.span_id)) p.push(`span_id ${r.span_id}`);
  if (r.category === 'aggregated') {
    if (!Array.isArray(r.context?.events) || r.context.events.length === 0) return [...p, 'events'];
    for (const e of r.context.events) {
      if (!['request_start', 'request_end', 'dependency_start', 'dependency_end'].includes(e.category)) p.push(`event category ${e.category}`);
      if (typeof e.timestamp !== 'number' || e.timestamp > r.timestamp) p.push('event timestamp');
      p.push(...contextProblems(e.category, r.span_id, e.context));
    }
  } else if (r.category !== 'application') {
    p.push(...contextProblems(r.category, r.span_id, r.context));
  } else if ('context' in r && !isObject(r.context)) p.push('application context');
  return p;
}

t.test('the validator accepts the aggregated fixture and rejects broken lines', async (t) => {
  const fixture = readFileSync(new URL('../fixtures/legacy/aggregated-two-services.ndjson', import.meta.url), 'utf8').trim().split('\n');
  for (const line of fixture) t.same(lineProblems(line), []);
  t.not(lineProblems('{"category":"request_end"').length, 0);
  const good = JSON.parse(fixture[1]);
  t.not(lineProblems(JSON.stringify({ ...good, span_id: '1.' })).length, 0);
  t.not(lineProblems(JSON.stringify({ ...good, timestamp: 1764511501.2318761 })).length, 0);
});

const IDS = ['0a9e8d7c6b5a49382716f5e4d3c2b1a0', 'c4d5e6f708192a3b4c5d6e7f80910a1b'];

/** The same two requests against a service in `mode`; every kind of event is written. */
async function scenario(mode: OutputMode, dependencyUrl: string): Promise<{ lines: string[]; records: Json[] }> {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'svc', output: cap, mode, environment: { name: 'staging' } });
  const s = await serve(
    rf.wrapServer(async (req, res) => {
      rf.log.info('handling', { path: req.url });
      await (await rf.fetch('dep', dependencyUrl + '/ok')).text();
      await (await rf.fetch('dep', dependencyUrl + '/fail')).text();
      await rf.traceDependency('cache', async () => { throw new Error('miss'); }, { functionName: 'get' }).catch(() => {});
      if (req.url === '/throw') throw new Error('handler failed');
      res.setHeader('content-type', 'text/plain');
      res.end('done');
    }),
  );
  await rawRequest(s.url + '/fine?q=1', { headers: { 'X-Hulu-Request-Id': IDS[0], 'X-Hulu-Span-Id': '1.2' } });
  await rawRequest(s.url + '/throw', { headers: { 'X-Hulu-Request-Id': IDS[1] } });
  await cap.until((r) => trackingEvents(r).filter((e) => e.category === 'request_end').length === 2);
  await s.close();
  // Ports differ between the two runs; nothing else should.
  const lines = cap.lines().map((l) => l.replaceAll(`127.0.0.1:${s.port}`, 'SERVICE'));
  return { lines, records: lines.map((l) => JSON.parse(l)) };
}

t.test('flat and aggregated: valid lines, the same events', async (t) => {
  const dep = await serve((req, res) => {
    res.statusCode = req.url === '/fail' ? 502 : 200;
    res.end();
  });
  t.teardown(dep.close);
  const flat = await scenario('flat', dep.url);
  const aggregated = await scenario('aggregated', dep.url);

  for (const [mode, run] of [['flat', flat], ['aggregated', aggregated]] as const) {
    const bad = run.lines.map((l) => ({ l, p: lineProblems(l) })).filter((x) => x.p.length > 0);
    t.same(bad, [], `${mode}: every line valid`);
  }
  // Flat: 2 requests x (start, 2x2 fetch, 1x2 cache, end) = 16 event lines + 2 application lines.
  t.equal(flat.records.length, 18);
  t.same(flat.records.map((r) => r.category).filter((c) => c === 'aggregated'), []);
  // Aggregated: one aggregated line per request + the application lines.
  t.same(aggregated.records.map((r) => r.category), ['application', 'aggregated', 'application', 'aggregated']);

  const key = (e: Json) => JSON.stringify([e.tracking_id, e.span_id, e.service_name, e.category, e.context]);
  const flatEvents = trackingEvents(flat.records);
  const aggEvents = trackingEvents(aggregated.records);
  t.equal(flatEvents.length, 16);
  t.same(aggEvents.map(key).sort(), flatEvents.map(key).sort(), 'same events (timestamps aside)');

  // What the events say, written out independently of the code.
  const first = flatEvents.filter((e) => e.tracking_id === IDS[0]);
  t.same(first.map((e) => [e.category, e.span_id, e.context.dependency_span_id, e.context.exception]), [
    ['request_start', '1.2', undefined, undefined],
    ['dependency_start', '1.2', '1.2.1', undefined],
    ['dependency_end', '1.2', '1.2.1', false],
    ['dependency_start', '1.2', '1.2.2', undefined],
    ['dependency_end', '1.2', '1.2.2', true],
    ['dependency_start', '1.2', '1.2.3', undefined],
    ['dependency_end', '1.2', '1.2.3', true],
    ['request_end', '1.2', undefined, undefined],
  ]);
  t.equal(first[4].context.response, '502 Bad Gateway');
  t.same(first[7].context.r_exception, { msg: null, traceback: null });
  t.equal(first[7].context.r_status, '200 OK');
  const second = flatEvents.filter((e) => e.tracking_id === IDS[1]);
  t.equal(second[7].context.r_status, '500 Internal Server Error');
  t.equal(second[7].context.r_exception.msg, 'handler failed');

  // Within a request, events are in time order in both modes.
  for (const events of [flatEvents, aggEvents]) {
    for (const id of IDS) {
      const times = events.filter((e) => e.tracking_id === id).map((e) => e.timestamp);
      t.same(times, [...times].sort((x, y) => x - y), `time order ${id}`);
    }
  }
  const aggLine = aggregated.records.find((r) => r.category === 'aggregated' && r.tracking_id === IDS[1]);
  t.equal(aggLine.levelname, 'ERROR', 'aggregated line of a failed request');
  t.same(aggLine.environment, { name: 'staging' });
});

t.test("requestflow's own decoder reads every line, in both modes, as the same events", async (t) => {
  const dep = await serve((req, res) => {
    res.statusCode = req.url === '/fail' ? 502 : 200;
    res.end();
  });
  t.teardown(dep.close);
  const decoded: Record<string, Json[]> = {};
  for (const mode of ['flat', 'aggregated'] as const) {
    const run = await scenario(mode, dep.url);
    const events: Json[] = [];
    for (const line of run.lines) {
      const r = decodeLine(line);
      t.equal(r.kind, 'events', `${mode}: decoded, not skipped or rejected: ${line.slice(0, 80)}`);
      if (r.kind !== 'events') continue;
      t.same(r.conversions, [], `${mode}: nothing to repair`);
      t.equal(r.rejectedEvents, undefined, `${mode}: no inner event rejected`);
      events.push(...r.events);
    }
    decoded[mode] = events;
  }
  // What the decoder must see, written from the scenario: per request, start,
  // the handler's application line, three calls (ok, 502, cache miss), end.
  const shape = (e: Json) => [e.requestId, e.spanPath, e.category, e.callSpanPath, e.exception, e.statusCode, e.exceptionMessage];
  const expected = [
    [IDS[0], '1.2', 'request_start', undefined, undefined, undefined, undefined],
    [IDS[0], '1.2', 'application', undefined, undefined, undefined, undefined],
    [IDS[0], '1.2', 'dependency_start', '1.2.1', undefined, undefined, undefined],
    [IDS[0], '1.2', 'dependency_end', '1.2.1', false, undefined, undefined],
    [IDS[0], '1.2', 'dependency_start', '1.2.2', undefined, undefined, undefined],
    [IDS[0], '1.2', 'dependency_end', '1.2.2', true, undefined, undefined],
    [IDS[0], '1.2', 'dependency_start', '1.2.3', undefined, undefined, undefined],
    [IDS[0], '1.2', 'dependency_end', '1.2.3', true, undefined, undefined],
    [IDS[0], '1.2', 'request_end', undefined, undefined, 200, undefined],
    [IDS[1], '1', 'request_start', undefined, undefined, undefined, undefined],
    [IDS[1], '1', 'application', undefined, undefined, undefined, undefined],
    [IDS[1], '1', 'dependency_start', '1.1', undefined, undefined, undefined],
    [IDS[1], '1', 'dependency_end', '1.1', false, undefined, undefined],
    [IDS[1], '1', 'dependency_start', '1.2', undefined, undefined, undefined],
    [IDS[1], '1', 'dependency_end', '1.2', true, undefined, undefined],
    [IDS[1], '1', 'dependency_start', '1.3', undefined, undefined, undefined],
    [IDS[1], '1', 'dependency_end', '1.3', true, undefined, undefined],
    [IDS[1], '1', 'request_end', undefined, undefined, 500, 'handler failed'],
  ];
  const byTime = (events: Json[]) => [...events].sort((a, b) => (a.requestId === b.requestId ? a.timeUs - b.timeUs : a.requestId === IDS[0] ? -1 : 1));
  t.same(byTime(decoded.flat).map(shape), expected, 'flat');
  t.same(byTime(decoded.aggregated).map(shape), expected, 'aggregated');
  for (const e of decoded.flat) t.equal(e.service, 'svc');
  const start = decoded.flat.find((e) => e.category === 'request_start' && e.requestId === IDS[0]);
  t.match(start, { method: 'GET', path: '/fine', query: { q: '1' } }, 'request_start fields as the decoder reads them');
});
