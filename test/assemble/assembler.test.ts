// Span assembly on plain data: LogEvent objects (or decodeLine on literal
// lines) in, ReadableSpans out. Every expected value is written out by hand
// from the events in the row (times: T + the milliseconds in the row, in µs);
// span ids come from the documented formula, computed here with node:crypto.
import t from 'tap';
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanAssembler, type AssembleOptions } from '../../src/assemble/assembler.js';
import type { LimitOptions } from '../../src/assemble/limits.js';
import type { PrivacyOptions } from '../../src/assemble/privacy.js';
import { configSchema } from '../../src/config/schema.js';
import { decodeLine } from '../../src/decode/decode-line.js';
import type {
  ApplicationEvent, DependencyEndEvent, DependencyStartEvent, LogEvent, RequestEndEvent, RequestStartEvent,
} from '../../src/decode/log-event.js';
import { Counters } from '../../src/observe/counters.js';

// ---- set-up -------------------------------------------------------------------

const DEFAULTS = configSchema.parse({});

interface Setup {
  limits?: Partial<LimitOptions>;
  privacy?: Partial<PrivacyOptions>;
  openSpanTimeoutMs?: number;
  maxOpenSpans?: number;
}

function setup(s: Setup = {}) {
  const opts: AssembleOptions = {
    privacy: { ...DEFAULTS.privacy, ...s.privacy },
    limits: { ...DEFAULTS.limits, ...s.limits },
    openSpanTimeoutMs: s.openSpanTimeoutMs ?? 300_000,
    maxOpenSpans: s.maxOpenSpans ?? 100_000,
    maxOpenSpanBytes: DEFAULTS.assemble.maxOpenSpanBytes,
  };
  const counters = new Counters();
  return { assembler: new SpanAssembler(opts, counters), counters };
}

/** Feeds the events (at nowMs 0) and flushes what is left: every span the events give. */
function spansOf(events: LogEvent[], s: Setup = {}) {
  const { assembler, counters } = setup(s);
  const spans = [...assembler.add(events, 0), ...assembler.flushAll()].map(view);
  return { spans, counters };
}

const REQ = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
/** 2025-11-30T14:07:00Z in µs; rows give times as milliseconds after it. */
const T = 1764511620_000000;
const at = (ms: number) => T + Math.round(ms * 1000);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sid = (path: string, side: 'server' | 'client', traceId = REQ) => sha256(`${traceId}/${path}/${side}`).slice(0, 16);

// ---- events ---------------------------------------------------------------------

type Extra<E> = Partial<Omit<E, 'category'>>;
const where = (service: string, spanPath: string, ms: number) => ({ requestId: REQ, spanPath, service, timeUs: at(ms) });

const reqStart = (service: string, spanPath: string, ms: number, f: Extra<RequestStartEvent> = {}): RequestStartEvent =>
  ({ category: 'request_start', ...where(service, spanPath, ms), ...f });
const reqEnd = (service: string, spanPath: string, ms: number, f: Extra<RequestEndEvent> = {}): RequestEndEvent =>
  ({ category: 'request_end', ...where(service, spanPath, ms), ...f });
const depStart = (service: string, spanPath: string, callSpanPath: string, ms: number, f: Extra<DependencyStartEvent> = {}): DependencyStartEvent =>
  ({ category: 'dependency_start', ...where(service, spanPath, ms), callSpanPath, ...f });
const depEnd = (service: string, spanPath: string, callSpanPath: string, ms: number, f: Extra<DependencyEndEvent> = {}): DependencyEndEvent =>
  ({ category: 'dependency_end', ...where(service, spanPath, ms), callSpanPath, ...f });
const app = (service: string, spanPath: string, ms: number, level: string | undefined, message: string | null, f: Extra<ApplicationEvent> = {}): ApplicationEvent =>
  ({ category: 'application', ...where(service, spanPath, ms), ...(level === undefined ? {} : { level }), message, ...f });

// ---- spans as plain values ----------------------------------------------------------

interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'SERVER' | 'CLIENT';
  service: string;
  startUs: number;
  durationUs: number;
  status: { code: SpanStatusCode; message?: string };
  tags: Record<string, unknown>;
  annotations: Array<[timeUs: number, text: string]>;
}

const hrUs = (hr: HrTime) => hr[0] * 1_000_000 + hr[1] / 1000;

function view(s: ReadableSpan): SpanView {
  const { 'service.name': service, ...tags } = s.attributes;
  const v: SpanView = {
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    name: s.name,
    kind: s.kind === SpanKind.SERVER ? 'SERVER' : s.kind === SpanKind.CLIENT ? 'CLIENT' : (`kind ${s.kind}` as never),
    service: String(service),
    startUs: hrUs(s.startTime),
    durationUs: hrUs(s.duration),
    status: { ...s.status },
    tags,
    annotations: s.events.map((e) => [hrUs(e.time), e.name]),
  };
  if (s.parentSpanContext) v.parentSpanId = s.parentSpanContext.spanId;
  return v;
}

const OK = { code: SpanStatusCode.UNSET };
const failed = (message: string) => ({ code: SpanStatusCode.ERROR, message });
const one = (spans: SpanView[], kind: 'SERVER' | 'CLIENT', path?: string) => {
  const found = spans.filter((s) => s.kind === kind && (path === undefined || s.tags['hulu.span_id'] === path));
  if (found.length !== 1) throw new Error(`${found.length} ${kind} spans for ${path ?? 'any path'}`);
  return found[0]!;
};

// ---- tests ------------------------------------------------------------------------------

t.test('a request across two services: SERVER, CLIENT and the callee SERVER, linked by derived ids', async (t) => {
  const env = { environment: { name: 'staging', hostname: 'node-a1', datacenter: 'dc-east' } };
  const { assembler, counters } = setup();
  const emitted = assembler.add([
    reqStart('catalog', '1', 0, { method: 'POST', path: '/shelf', host: 'catalog.internal', ...env }),
    depStart('catalog', '1', '1.1', 10, { dependencyName: 'pricing', functionName: '_make_request', ...env }),
    reqStart('pricing', '1.1', 12, { method: 'get', path: '/price', host: 'pricing.internal' }),
    reqEnd('pricing', '1.1', 28, { statusCode: 200, statusText: '200 OK' }),
    depEnd('catalog', '1', '1.1', 30, { exception: false, ...env }),
    reqEnd('catalog', '1', 50, { statusCode: 200, statusText: '200 OK', ...env }),
  ], 0).map(view);
  t.strictSame(emitted, [
    {
      traceId: REQ, spanId: sid('1.1', 'server'), name: 'GET /price', kind: 'SERVER', service: 'pricing',
      startUs: at(12), durationUs: 16_000, status: OK, annotations: [],
      tags: {
        'hulu.request_id': REQ, 'hulu.span_id': '1.1',
        'http.method': 'GET', 'http.path': '/price', 'http.host': 'pricing.internal', 'http.status_code': '200',
      },
      // the callee's parent is the caller's CLIENT span for the same path
      parentSpanId: sid('1.1', 'client'),
    },
    {
      traceId: REQ, spanId: sid('1.1', 'client'), name: 'pricing _make_request', kind: 'CLIENT', service: 'catalog',
      startUs: at(10), durationUs: 20_000, status: OK, annotations: [],
      tags: {
        'hulu.request_id': REQ, 'hulu.span_id': '1.1', 'deployment.environment': 'staging', 'host.name': 'node-a1',
        'peer.service': 'pricing', 'code.function': '_make_request',
      },
      parentSpanId: sid('1', 'server'),
    },
    {
      traceId: REQ, spanId: sid('1', 'server'), name: 'POST /shelf', kind: 'SERVER', service: 'catalog',
      startUs: at(0), durationUs: 50_000, status: OK, annotations: [],
      tags: {
        'hulu.request_id': REQ, 'hulu.span_id': '1', 'deployment.environment': 'staging', 'host.name': 'node-a1',
        'http.method': 'POST', 'http.path': '/shelf', 'http.host': 'catalog.internal', 'http.status_code': '200',
        'time.self_ms': '30.000', 'time.calls_ms': '20.000', 'calls.count': '1', 'callee.pricing': 'count=1 total_ms=20.000',
      },
    },
  ]);
  t.equal(assembler.openSpans, 0, 'nothing left open');
  t.strictSame(assembler.flushAll(), []);
  t.strictSame(counters.snapshot(), {}, 'nothing incomplete, cut or odd');
});

t.test('two services logging the same span path stay two SERVER spans', async (t) => {
  // A proxy that forwards X-Hulu-Span-Id unchanged logs span "1" as its backend does.
  const { spans } = spansOf([
    reqStart('gateway', '1', 0, { method: 'GET', path: '/home' }),
    reqStart('catalog', '1', 1, { method: 'GET', path: '/shelf' }),
    app('catalog', '1', 2, 'INFO', 'resolved 12 items'),
    reqEnd('catalog', '1', 9, { statusCode: 200 }),
    reqEnd('gateway', '1', 10, { statusCode: 502, statusText: '502 Bad Gateway' }),
  ]);
  t.strictSame(spans.map((s) => [s.service, s.name, s.startUs, s.durationUs, s.annotations, s.status, s.tags['http.status_code']]), [
    ['catalog', 'GET /shelf', at(1), 8000, [[at(2), 'INFO: resolved 12 items']], OK, '200'],
    ['gateway', 'GET /home', at(0), 10_000, [], failed('502 Bad Gateway'), '502'],
  ]);
  // The documented formula has no service in it: both carry span 1's SERVER id.
  t.strictSame(spans.map((s) => s.spanId), [sid('1', 'server'), sid('1', 'server')]);
});

t.test('a three-level call chain: every parent is the span the format says', async (t) => {
  const { spans } = spansOf([
    reqStart('web', '1', 0), depStart('web', '1', '1.1', 1, { dependencyName: 'api' }),
    reqStart('api', '1.1', 2), depStart('api', '1.1', '1.1.1', 3, { dependencyName: 'db' }),
    depEnd('api', '1.1', '1.1.1', 4), reqEnd('api', '1.1', 5),
    depEnd('web', '1', '1.1', 6), reqEnd('web', '1', 7),
  ]);
  t.strictSame(spans.map((s) => [s.kind, s.service, s.tags['hulu.span_id'], s.spanId, s.parentSpanId]), [
    ['CLIENT', 'api', '1.1.1', sid('1.1.1', 'client'), sid('1.1', 'server')],
    ['SERVER', 'api', '1.1', sid('1.1', 'server'), sid('1.1', 'client')],
    ['CLIENT', 'web', '1.1', sid('1.1', 'client'), sid('1', 'server')],
    ['SERVER', 'web', '1', sid('1', 'server'), undefined],
  ]);
});

t.test('trace ids from other request ids, with the original kept', async (t) => {
  const cases: Array<[requestId: string, traceId: string, mapping?: string]> = [
    ['5F1C0E2A-9B7D-4C3E-8A6F-0B1D2C3E4F50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', 'normalised'],
    // first 32 hex of `printf %s requestflow/request-id/Req-42 | sha256sum`
    ['Req-42', '5f474aecb885f80fcbe4179bbd1a9a94', 'hashed'],
    ['0a9e8d7c6b5a49382716f5e4d3c2b1a0', '0a9e8d7c6b5a49382716f5e4d3c2b1a0', undefined],
  ];
  for (const [requestId, traceId, mapping] of cases) {
    const { spans } = spansOf([
      { ...reqStart('catalog', '1', 0), requestId }, { ...depStart('catalog', '1', '1.1', 1), requestId },
      { ...depEnd('catalog', '1', '1.1', 2), requestId }, { ...reqEnd('catalog', '1', 3), requestId },
    ]);
    t.strictSame(spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.tags['hulu.request_id'], s.tags['hulu.request_id.mapping']]), [
      [traceId, sid('1.1', 'client', traceId), sid('1', 'server', traceId), requestId, mapping],
      [traceId, sid('1', 'server', traceId), undefined, requestId, mapping],
    ], requestId);
  }
});

t.test('span names', async (t) => {
  const cases: Array<[name: string, events: LogEvent[], kind: 'SERVER' | 'CLIENT', expected: string]> = [
    ['method and path', [reqStart('s', '1', 0, { method: 'get', path: '/a/b' }), reqEnd('s', '1', 1)], 'SERVER', 'GET /a/b'],
    ['path only', [reqStart('s', '1', 0, { path: '/a/b' }), reqEnd('s', '1', 1)], 'SERVER', '/a/b'],
    ['method only', [reqStart('s', '1', 0, { method: 'GET' }), reqEnd('s', '1', 1)], 'SERVER', 'request'],
    ['neither', [reqStart('s', '1', 0), reqEnd('s', '1', 1)], 'SERVER', 'request'],
    ['no request_start', [reqEnd('s', '1', 1)], 'SERVER', 'request'],
    ['dependency and function', [depStart('s', '1', '1.1', 0, { dependencyName: 'profiles', functionName: '_make_request' }), depEnd('s', '1', '1.1', 1)], 'CLIENT', 'profiles _make_request'],
    ['dependency only', [depStart('s', '1', '1.1', 0, { dependencyName: 'profiles' }), depEnd('s', '1', '1.1', 1)], 'CLIENT', 'profiles'],
    ['function only', [depStart('s', '1', '1.1', 0, { functionName: 'run_query' }), depEnd('s', '1', '1.1', 1)], 'CLIENT', 'run_query'],
    ['function only, on dependency_end', [depStart('s', '1', '1.1', 0), depEnd('s', '1', '1.1', 1, { functionName: 'run_query' })], 'CLIENT', 'run_query'],
    ['neither dependency nor function', [depStart('s', '1', '1.1', 0), depEnd('s', '1', '1.1', 1)], 'CLIENT', 'unknown'],
    ['names only on dependency_end', [depStart('s', '1', '1.1', 0), depEnd('s', '1', '1.1', 1, { dependencyName: 'georedis', functionName: 'cache_get' })], 'CLIENT', 'georedis cache_get'],
    ['dependency_end without its start', [depEnd('s', '1', '1.1', 1, { dependencyName: 'georedis', functionName: 'cache_get' })], 'CLIENT', 'georedis cache_get'],
    ['start names win over end names', [depStart('s', '1', '1.1', 0, { dependencyName: 'a', functionName: 'f' }), depEnd('s', '1', '1.1', 1, { dependencyName: 'b', functionName: 'g' })], 'CLIENT', 'a f'],
  ];
  for (const [name, events, kind, expected] of cases) t.equal(one(spansOf(events).spans, kind).name, expected, name);
});

t.test('tags of a SERVER span with an exception, and of its CLIENT call', async (t) => {
  const traceback = ['Traceback (most recent call last):', ...Array.from({ length: 13 }, (_, i) => `line ${i + 2}`)].join('\n\n');
  const { spans } = spansOf([
    reqStart('geo', '1', 0, { method: 'GET', path: '/lookup', host: 'geo.internal', environment: { name: 'prod', hostname: 'node-c2' } }),
    depStart('geo', '1', '1.1', 1, { dependencyName: 'georedis', functionName: 'cache_get', args: ['get'], kwargs: { k: 1 }, environment: { name: 'prod' } }),
    depEnd('geo', '1', '1.1', 8.5, { exception: true, response: 'TimeoutError: read timed out after 5 ms', environment: { name: 'prod' } }),
    reqEnd('geo', '1', 11.3, { statusCode: 503, statusText: '503 Service Unavailable', exceptionMessage: 'cache unavailable', traceback,
      headers: { 'Content-type': 'application/json' }, body: '{"error": "cache unavailable"}', environment: { hostname: 'node-c2' } }),
  ]);
  const client = one(spans, 'CLIENT');
  t.strictSame(client.tags, {
    'hulu.request_id': REQ, 'hulu.span_id': '1.1', 'deployment.environment': 'prod',
    'peer.service': 'georedis', 'code.function': 'cache_get',
  }, 'CLIENT: no args, kwargs by default');
  t.strictSame(client.status, failed('TimeoutError: read timed out after 5 ms'));
  t.equal(client.durationUs, 7500);
  const server = one(spans, 'SERVER');
  // Tags come from the span's first event (request_start): its environment.
  t.strictSame(server.tags, {
    'hulu.request_id': REQ, 'hulu.span_id': '1', 'deployment.environment': 'prod', 'host.name': 'node-c2',
    'http.method': 'GET', 'http.path': '/lookup', 'http.host': 'geo.internal', 'http.status_code': '503',
    'exception.message': 'cache unavailable',
    // 14 non-blank lines: the last 12, after a marker
    'exception.stacktrace': ['…', ...Array.from({ length: 12 }, (_, i) => `line ${i + 3}`)].join('\n'),
    'time.self_ms': '3.800', 'time.calls_ms': '7.500', 'calls.count': '1', 'callee.georedis': 'count=1 total_ms=7.500',
  }, 'SERVER: no headers or body by default');
  t.strictSame(server.status, failed('cache unavailable'));
  t.equal(server.durationUs, 11_300);
});

t.test('a long traceback keeps the end with the raise site: the last lines of Python, the first of others', async (t) => {
  const tb = (lines: string[]) => spansOf([reqStart('s', '1', 0), reqEnd('s', '1', 1, { traceback: lines.join('\n') })]).spans[0]!;
  const frames = Array.from({ length: 20 }, (_, i) => `frame ${i + 1}`);
  const python = tb(['Traceback (most recent call last):', ...frames, 'KeyError: 7']);
  t.equal(python.tags['exception.stacktrace'], ['…', ...frames.slice(-11), 'KeyError: 7'].join('\n'));
  t.same(python.status, failed('KeyError: 7'));
  const node = tb(['TypeError: x is undefined', ...frames.map((f) => `    at ${f} (/app/a.js:1:1)`)]);
  t.equal(node.tags['exception.stacktrace'], ['TypeError: x is undefined', ...frames.slice(0, 11).map((f) => `    at ${f} (/app/a.js:1:1)`), '…'].join('\n'));
  t.same(node.status, failed('TypeError: x is undefined'), 'the first line names a Node.js error');
});

t.test('a short traceback is kept whole, without blank lines', async (t) => {
  const { spans } = spansOf([reqStart('s', '1', 0), reqEnd('s', '1', 1, { exceptionMessage: 'x', traceback: 'Traceback:\n\n  File "a.py"\nValueError: x\n' })]);
  t.equal(spans[0]!.tags['exception.stacktrace'], 'Traceback:\n  File "a.py"\nValueError: x');
});

t.test('application lines become annotations with level, logger, message and context', async (t) => {
  const cases: Array<[name: string, event: ApplicationEvent, text: string]> = [
    ['level, logger, message', app('search', '1', 2, 'INFO', 'cache miss for q=space docs', { logger: 'search.cache' }), 'INFO search.cache: cache miss for q=space docs'],
    ['custom level', app('search', '1', 2, 'STATS', 'query took 58 ms', { logger: 'search' }), 'STATS search: query took 58 ms'],
    ['level in lower case', app('search', '1', 2, 'warning', 'slow'), 'WARNING: slow'],
    ['no level', app('search', '1', 2, undefined, 'plain'), 'INFO: plain'],
    ['null message', app('search', '1', 2, 'INFO', null), 'INFO: (no message)'],
    ['context', app('search', '1', 2, 'INFO', 'video blocked', { context: { reason: 'geo', region: ['US'] } }), 'INFO: video blocked {"reason":"geo","region":["US"]}'],
    ['empty context', app('search', '1', 2, 'INFO', 'm', { context: {} }), 'INFO: m'],
    ['credential-named context keys redacted, at any depth',
      app('search', '1', 2, 'INFO', 'login', { context: { user: 'alice', password: 'hunter2', nested: { api_key: 'k1', n: 1 }, list: [{ session_id: 's1' }], Cookie: 'sid=1', auth_token: 't' } }),
      'INFO: login {"user":"alice","password":"[redacted]","nested":{"api_key":"[redacted]","n":1},"list":[{"session_id":"[redacted]"}],"Cookie":"[redacted]","auth_token":"[redacted]"}'],
  ];
  for (const [name, event, text] of cases) {
    const { spans } = spansOf([reqStart('search', '1', 0), event, reqEnd('search', '1', 5)]);
    t.strictSame(spans[0]!.annotations, [[at(2), text]], name);
  }
});

t.test('annotations keep their order and times; lines of other spans stay out', async (t) => {
  const { spans } = spansOf([
    reqStart('s', '1', 0), app('s', '1', 1, 'INFO', 'a'), app('s', '1.1', 1.5, 'INFO', 'other span'),
    app('other', '1', 1.7, 'INFO', 'other service'), app('s', '1', 2.25, 'DEBUG', 'b'), reqEnd('s', '1', 3),
  ]);
  t.strictSame(spans.map((s) => [s.service, s.tags['hulu.span_id'], s.annotations]), [
    ['s', '1', [[at(1), 'INFO: a'], [at(2.25), 'DEBUG: b']]],
    ['s', '1.1', [[at(1.5), 'INFO: other span']]],
    ['other', '1', [[at(1.7), 'INFO: other service']]],
  ]);
});

t.test('error rules', async (t) => {
  const withEnd = (end: Extra<RequestEndEvent>, ...middle: LogEvent[]) => [reqStart('s', '1', 0), ...middle, reqEnd('s', '1', 10, end)];
  const call = (end: Extra<DependencyEndEvent>) => [reqStart('s', '1', 0), depStart('s', '1', '1.1', 1, { dependencyName: 'db' }), depEnd('s', '1', '1.1', 2, end), reqEnd('s', '1', 10)];
  const cases: Array<[name: string, events: LogEvent[], kind: 'SERVER' | 'CLIENT', status: SpanView['status']]> = [
    ['ERROR line: its message with its context', withEnd({ statusCode: 200 }, app('s', '1', 5, 'ERROR', 'video blocked', { context: { reason: 'geo' } })), 'SERVER', failed('video blocked {"reason":"geo"}')],
    ['CRITICAL line', withEnd({ statusCode: 200 }, app('s', '1', 5, 'CRITICAL', 'db down')), 'SERVER', failed('db down')],
    ['error line in lower case', withEnd({}, app('s', '1', 5, 'error', 'oops')), 'SERVER', failed('oops')],
    ['ERROR line without message', withEnd({}, app('s', '1', 5, 'ERROR', null)), 'SERVER', failed('(no message)')],
    ['ERROR line context redacted in the error', withEnd({}, app('s', '1', 5, 'ERROR', 'denied', { context: { token: 'T-1' } })), 'SERVER', failed('denied {"token":"[redacted]"}')],
    ['the first ERROR line wins', withEnd({}, app('s', '1', 4, 'ERROR', 'first'), app('s', '1', 5, 'ERROR', 'second')), 'SERVER', failed('first')],
    ['WARNING line: not an error', withEnd({}, app('s', '1', 5, 'WARNING', 'slow')), 'SERVER', OK],
    ['INFO line: not an error', withEnd({ statusCode: 200 }, app('s', '1', 5, 'INFO', 'fine')), 'SERVER', OK],
    ['request_end exception', withEnd({ exceptionMessage: 'cache unavailable' }), 'SERVER', failed('cache unavailable')],
    ['request_end exception with only a traceback: its last line',
      withEnd({ traceback: 'Traceback (most recent call last):\n  File "geo/server.py", line 88\nCacheUnavailable: cache unavailable\n' }), 'SERVER', failed('CacheUnavailable: cache unavailable')],
    ['request_end exception with an empty message and a traceback', withEnd({ exceptionMessage: '', traceback: 'KeyError: 7' }), 'SERVER', failed('KeyError: 7')],
    ['request_end exception with an empty message, no traceback: not an error', withEnd({ exceptionMessage: '', statusCode: 200 }), 'SERVER', OK],
    ['request_end exception blank, traceback blank: not an error', withEnd({ exceptionMessage: '  ', traceback: '\n' }), 'SERVER', OK],
    ['request_end exception wins over a 5xx', withEnd({ statusCode: 503, statusText: '503 Service Unavailable', exceptionMessage: 'cache unavailable' }), 'SERVER', failed('cache unavailable')],
    ['request_end exception wins over an ERROR line', withEnd({ exceptionMessage: 'boom' }, app('s', '1', 5, 'ERROR', 'logged')), 'SERVER', failed('boom')],
    ['an ERROR line wins over a 5xx', withEnd({ statusCode: 500 }, app('s', '1', 5, 'ERROR', 'logged')), 'SERVER', failed('logged')],
    ['5xx with its status text', withEnd({ statusCode: 503, statusText: '503 Service Unavailable' }), 'SERVER', failed('503 Service Unavailable')],
    ['500 without text', withEnd({ statusCode: 500 }), 'SERVER', failed('500')],
    ['599', withEnd({ statusCode: 599, statusText: '599' }), 'SERVER', failed('599')],
    ['404: not an error', withEnd({ statusCode: 404, statusText: '404 Not Found' }), 'SERVER', OK],
    ['400: not an error', withEnd({ statusCode: 400 }), 'SERVER', OK],
    ['499: not an error', withEnd({ statusCode: 499 }), 'SERVER', OK],
    ['200', withEnd({ statusCode: 200, statusText: '200 OK' }), 'SERVER', OK],
    ['status unknown (empty request_end context)', withEnd({}), 'SERVER', OK],
    ['an ERROR line on a span that never ends', [reqStart('s', '1', 0), app('s', '1', 5, 'ERROR', 'stuck')], 'SERVER', failed('stuck')],
    ['dependency_end exception=true with response', call({ exception: true, response: 'TimeoutError: read timed out' }), 'CLIENT', failed('TimeoutError: read timed out')],
    ['dependency_end exception=true without response', call({ exception: true }), 'CLIENT', failed('dependency call failed')],
    ['dependency_end exception=true with an empty response', call({ exception: true, response: '' }), 'CLIENT', failed('dependency call failed')],
    ['dependency_end exception=false', call({ exception: false }), 'CLIENT', OK],
    ['dependency_end exception=false with a response text', call({ exception: false, response: 'cached' }), 'CLIENT', OK],
    ['dependency_end without exception', call({}), 'CLIENT', OK],
    ['a failed call alone does not fail its SERVER span', call({ exception: true, response: 'x' }), 'SERVER', OK],
  ];
  for (const [name, events, kind, status] of cases) t.strictSame(one(spansOf(events).spans, kind).status, status, name);
});

t.test('incomplete spans are exported, marked and counted', async (t) => {
  const cases: Array<[name: string, events: LogEvent[], expected: Array<[kind: string, incomplete: string | undefined, startUs: number, durationUs: number]>, counters: Record<string, number>]> = [
    ['request_start without end, at end of input',
      [reqStart('s', '1', 0)], [['SERVER', 'missing_end', at(0), 1]], { 'incomplete.end_of_input': 1 }],
    ['request_start and lines after it, no end: the span reaches its last line',
      [reqStart('s', '1', 0), app('s', '1', 7, 'INFO', 'x')], [['SERVER', 'missing_end', at(0), 7000]], { 'incomplete.end_of_input': 1 }],
    ['request_end without start',
      [reqEnd('s', '1', 4, { statusCode: 200 })], [['SERVER', 'missing_start', at(4), 1]], { 'incomplete.missing_start': 1 }],
    ['request_end without start, after lines of the span: starts at the first line',
      [app('s', '1', 1, 'INFO', 'x'), reqEnd('s', '1', 4)], [['SERVER', 'missing_start', at(1), 3000]], { 'incomplete.missing_start': 1 }],
    ['only application lines',
      [app('s', '1', 1, 'INFO', 'x'), app('s', '1', 3, 'INFO', 'y')], [['SERVER', 'missing_start_and_end', at(1), 2000]], { 'incomplete.end_of_input': 1 }],
    ['dependency_end without start',
      [reqStart('s', '1', 0), depEnd('s', '1', '1.1', 2), reqEnd('s', '1', 5)],
      [['CLIENT', 'missing_start', at(2), 1], ['SERVER', undefined, at(0), 5000]], { 'incomplete.missing_start': 1 }],
    ['dependency_start without end, at end of input',
      [reqStart('s', '1', 0), depStart('s', '1', '1.1', 2), reqEnd('s', '1', 5)],
      [['SERVER', undefined, at(0), 5000], ['CLIENT', 'missing_end', at(2), 1]], { 'incomplete.end_of_input': 1 }],
  ];
  for (const [name, events, expected, counters] of cases) {
    const r = spansOf(events);
    t.strictSame(r.spans.map((s) => [s.kind, s.tags['requestflow.incomplete'], s.startUs, s.durationUs]), expected, name);
    t.strictSame(r.counters.group('incomplete'), Object.fromEntries(Object.entries(counters).map(([k, v]) => [k.slice('incomplete.'.length), v])), `${name}: counters`);
  }
});

t.test('expire() exports spans opened openSpanTimeoutMs ago or more, oldest first', async (t) => {
  const { assembler, counters } = setup({ openSpanTimeoutMs: 1000 });
  t.strictSame(assembler.add([reqStart('s', '1', 0)], 10_000), []);
  t.strictSame(assembler.add([reqStart('s', '1.1', 1)], 10_400), []);
  t.strictSame(assembler.add([app('s', '1', 2, 'INFO', 'later line, same span')], 10_900), [], 'a later line does not restart the clock');
  t.equal(assembler.openSpans, 2);
  t.strictSame(assembler.expire(10_999), [], '999 ms: not yet');
  const first = assembler.expire(11_000).map(view);
  t.strictSame(first.map((s) => [s.tags['hulu.span_id'], s.tags['requestflow.incomplete'], s.annotations.length]), [['1', 'missing_end', 1]], '1000 ms: span 1');
  t.equal(counters.get('incomplete.timed_out'), 1);
  t.strictSame(assembler.expire(11_399), []);
  t.strictSame(assembler.expire(11_400).map((s) => view(s).tags['hulu.span_id']), ['1.1']);
  t.equal(counters.get('incomplete.timed_out'), 2);
  t.equal(assembler.openSpans, 0);
});

t.test('a repeated dependency_start does not restart its span\'s clock', async (t) => {
  const { assembler, counters } = setup({ openSpanTimeoutMs: 1000 });
  assembler.add([reqStart('s', '1', 0), depStart('s', '1', '1.1', 1)], 0);
  assembler.add([reqStart('s', '1.2', 2)], 100);
  assembler.add([depStart('s', '1', '1.1', 1)], 900); // the same line read again
  t.equal(counters.get('anomaly.duplicate_dependency_start'), 1);
  // All three were first read 1000 ms or more before 1100.
  t.strictSame(assembler.expire(1100).map((s) => [view(s).kind, view(s).tags['hulu.span_id']]),
    [['SERVER', '1'], ['CLIENT', '1.1'], ['SERVER', '1.2']]);
  t.equal(assembler.openSpans, 0);
});

t.test('beyond maxOpenSpans the oldest open span is exported, counted', async (t) => {
  const { assembler, counters } = setup({ maxOpenSpans: 2 });
  t.strictSame(assembler.add([reqStart('s', '1', 0), reqStart('s', '1.1', 1)], 0), []);
  const evicted = assembler.add([reqStart('s', '1.2', 2)], 0).map(view);
  t.strictSame(evicted.map((s) => [s.tags['hulu.span_id'], s.tags['requestflow.incomplete']]), [['1', 'missing_end']], 'the oldest goes first');
  t.strictSame(assembler.add([depStart('s', '1.2', '1.2.1', 3)], 0).map((s) => view(s).tags['hulu.span_id']), ['1.1'], 'then the next oldest');
  t.equal(counters.get('incomplete.evicted'), 2);
  t.equal(assembler.openSpans, 2);
  // Ending an open span makes no room problem; the rest go out at the end.
  t.strictSame(assembler.add([depEnd('s', '1.2', '1.2.1', 4), reqEnd('s', '1.2', 5)], 0).map((s) => view(s).kind), ['CLIENT', 'SERVER']);
  t.equal(assembler.openSpans, 0);
  t.equal(counters.get('incomplete.evicted'), 2);
});

t.test('bounds: tag values, annotation text and annotations per span', async (t) => {
  const limits = { maxTagValueLength: 64, maxAnnotationLength: 64, maxAnnotationsPerSpan: 3 };
  const long = (c: string, n = 100) => c.repeat(n);
  const { spans, counters } = spansOf([
    reqStart('s', '1', 0, { method: 'GET', path: `/${long('p')}`, host: long('h') }),
    app('s', '1', 1, 'INFO', long('a')),
    app('s', '1', 2, 'INFO', 'short'),
    app('s', '1', 3, 'ERROR', long('e')),
    app('s', '1', 4, 'INFO', 'dropped 1'),
    app('s', '1', 5, 'INFO', 'dropped 2'),
    reqEnd('s', '1', 6, { exceptionMessage: long('x') }),
  ], { limits });
  const s = spans[0]!;
  // 64 characters: 52 kept + '…[truncated]' (12)
  t.equal(s.tags['http.path'], `/${'p'.repeat(51)}…[truncated]`);
  t.equal(s.tags['http.host'], `${'h'.repeat(52)}…[truncated]`);
  t.equal(s.tags['exception.message'], `${'x'.repeat(52)}…[truncated]`);
  t.strictSame(s.status, failed(`${'x'.repeat(52)}…[truncated]`), 'the error message is cut too');
  t.strictSame(s.annotations, [
    [at(1), `INFO: ${'a'.repeat(46)}…[truncated]`],
    [at(2), 'INFO: short'],
    [at(3), `ERROR: ${'e'.repeat(45)}…[truncated]`],
  ]);
  t.equal(s.tags['requestflow.dropped_annotations'], '2');
  t.equal(counters.get('truncated.annotation_dropped'), 2);
  t.equal(counters.get('truncated.annotation_text'), 2);
  t.equal(counters.get('truncated.tag_value'), 4, 'path, host, exception message, error');
});

t.test('a runaway record: every tag value, tag key and span name within the limit', async (t) => {
  const max = 64;
  const huge = (c: string) => c.repeat(300);
  const deepPath = `1${'.7'.repeat(200)}`;
  const env = { environment: { name: huge('n'), hostname: huge('h') } };
  const events: LogEvent[] = [
    reqStart('s', deepPath, 0, { method: huge('m'), path: huge('/'), host: huge('o'), ...env }),
    depStart('s', deepPath, `${deepPath}.1`, 1, { dependencyName: huge('d'), functionName: huge('f'), ...env }),
    depEnd('s', deepPath, `${deepPath}.1`, 2, { exception: true, response: huge('r'), ...env }),
    depStart('s', deepPath, `${deepPath}.2`, 3, { dependencyName: huge('d'), functionName: huge('f'), ...env }),
    depEnd('s', deepPath, `${deepPath}.2`, 4, { ...env }),
    app('s', deepPath, 5, huge('L'), huge('a'), { logger: huge('g'), context: { [huge('k')]: huge('v') } }),
    reqEnd('s', deepPath, 6, { statusCode: 503, statusText: huge('t'), exceptionMessage: huge('x'), traceback: huge('b'), ...env }),
  ].map((e) => ({ ...e, requestId: huge('q') }));
  const { spans, counters } = spansOf(events, { limits: { maxTagValueLength: max, maxAnnotationLength: max } });
  t.strictSame(spans.map((s) => s.kind), ['CLIENT', 'CLIENT', 'SERVER']);
  const tooLong: string[] = [];
  for (const s of spans) {
    if (s.name.length > max) tooLong.push(`${s.kind} name (${s.name.length})`);
    if ((s.status.message ?? '').length > max) tooLong.push(`${s.kind} error (${s.status.message!.length})`);
    for (const [k, v] of Object.entries(s.tags)) {
      if (String(v).length > max) tooLong.push(`${s.kind} ${k.slice(0, 20)} value (${String(v).length})`);
      if (k.length > 'callee.'.length + max) tooLong.push(`${s.kind} key ${k.slice(0, 20)} (${k.length})`);
    }
    for (const [, text] of s.annotations) if (text.length > max) tooLong.push(`${s.kind} annotation (${text.length})`);
  }
  t.strictSame(tooLong, []);
  const server = one(spans, 'SERVER');
  t.equal(server.name, `${'M'.repeat(52)}…[truncated]`, 'the name keeps its start');
  t.equal(server.tags['http.method'], `${'M'.repeat(52)}…[truncated]`);
  t.equal(server.tags['calls.sequential_callee'], `${'d'.repeat(52)}…[truncated]`);
  t.equal(server.tags[`callee.${'d'.repeat(52)}…[truncated]`], 'count=2 total_ms=2.000', 'per-callee tag under the cut name');
  t.ok(counters.get('truncated.span_name') === 3, `span names cut and counted (${counters.get('truncated.span_name')})`);
  // The ids come from the whole path, not the cut tag.
  t.equal(server.spanId, sid(deepPath, 'server', server.traceId));
});

t.test('a dropped ERROR line still makes the span an error', async (t) => {
  const { spans } = spansOf([
    reqStart('s', '1', 0), app('s', '1', 1, 'INFO', 'kept'), app('s', '1', 2, 'ERROR', 'over the cap'), reqEnd('s', '1', 3),
  ], { limits: { maxAnnotationsPerSpan: 1 } });
  t.strictSame(spans[0]!.status, failed('over the cap'));
  t.strictSame(spans[0]!.annotations, [[at(1), 'INFO: kept']]);
});

t.test('an end before its start is counted and the span lasts 1 µs', async (t) => {
  const { spans, counters } = spansOf([
    reqStart('s', '1', 10), depStart('s', '1', '1.1', 12), depEnd('s', '1', '1.1', 11.5), reqEnd('s', '1', 5),
  ]);
  t.strictSame(spans.map((s) => [s.kind, s.startUs, s.durationUs]), [['CLIENT', at(12), 1], ['SERVER', at(10), 1]]);
  t.equal(counters.get('anomaly.end_before_start'), 2);
  const same = spansOf([reqStart('s', '1', 10), reqEnd('s', '1', 10)]);
  t.strictSame(same.spans.map((s) => [s.startUs, s.durationUs]), [[at(10), 1]], 'an end at the start: 1 µs');
  t.equal(same.counters.get('anomaly.end_before_start'), 0, 'not an anomaly');
});

t.test('timing tags: own time, calls, per callee, sequential runs and parallel calls', async (t) => {
  // Span 1 lasts 100 ms. cache 1.1-1.3 one after another (5 + 6 + 4.5 ms);
  // db 1.4 (30 ms) with db 1.5 (10 ms) inside it, in parallel; search 1.6 once.
  const calls: Array<[path: string, dependency: string, fromMs: number, toMs: number]> = [
    ['1.1', 'cache', 10, 15], ['1.2', 'cache', 20, 26], ['1.3', 'cache', 30, 34.5],
    ['1.4', 'db', 40, 70], ['1.5', 'db', 50, 60],
    ['1.6', 'search', 80, 81.234],
  ];
  const events: LogEvent[] = [reqStart('s', '1', 0)];
  for (const [path, dependencyName, from] of calls) events.push(depStart('s', '1', path, from, { dependencyName }));
  for (const [path, , , to] of calls) events.push(depEnd('s', '1', path, to));
  events.push(reqEnd('s', '1', 100));
  const server = one(spansOf(events).spans, 'SERVER');
  const timing = Object.fromEntries(Object.entries(server.tags).filter(([k]) => k.startsWith('time.') || k.startsWith('calls.') || k.startsWith('callee.')));
  t.strictSame(timing, {
    // union of calls: 5 + 6 + 4.5 + 30 (1.5 lies inside 1.4) + 1.234 = 46.734 ms
    'time.calls_ms': '46.734',
    'time.self_ms': '53.266',
    'calls.count': '6',
    'callee.cache': 'count=3 total_ms=15.500',
    'callee.db': 'count=2 total_ms=40.000',
    'callee.search': 'count=1 total_ms=1.234',
    // one batched call instead of three: 15.5 - the longest (6) = 9.5 ms saved
    'calls.sequential': 'cache x3 total_ms=15.500 batch_saving_ms=9.500',
    'calls.sequential_callee': 'cache',
    // db 1.5 (50-60) lies inside db 1.4 (40-70): 30 ms of wall time for 40 ms of calls
    'calls.parallel': '2 calls at once (db, db) wall_ms=30.000 sum_ms=40.000',
  });
});

t.test('no calls: no timing tags', async (t) => {
  const { spans } = spansOf([reqStart('s', '1', 0), reqEnd('s', '1', 10)]);
  t.strictSame(Object.keys(spans[0]!.tags).filter((k) => k.startsWith('time.') || k.startsWith('calls.') || k.startsWith('callee.')), []);
});

// One request of two services, written once one line per event and once as
// aggregated lines (the form each service chooses), as literal log lines.
const SHARED = (service: string, span: string, level = 'INFO', logger = 'app.tracking') =>
  `"tracking_id":"${REQ}","span_id":"${span}","service_name":"${service}","levelname":"${level}","name":"${logger}","environment":{"name":"prod","hostname":"node-${service}"}`;
const FLAT = [
  `{${SHARED('catalog', '1')},"category":"request_start","timestamp":1764511501.180112,"context":{"http_method":"POST","url_path":"/shelf","url_host":"catalog.internal","headers":{"Cookie":"sid=1"}}}`,
  `{${SHARED('catalog', '1', 'WARNING')},"category":"application","timestamp":1764511501.18502,"message":"slow profile","context":{"ms":12,"token":"abc"}}`,
  `{${SHARED('catalog', '1')},"category":"dependency_start","timestamp":1764511501.19002,"context":{"dependency_span_id":"1.1","dependency_name":"pricing","function_name":"_make_request","args":["GET","/price"]}}`,
  `{${SHARED('pricing', '1.1')},"category":"request_start","timestamp":1764511501.20395,"context":{"http_method":"GET","url_path":"/price"}}`,
  `{${SHARED('pricing', '1.1', 'ERROR', 'pricing.db')},"category":"application","timestamp":1764511501.205,"message":"price missing","context":{"sku":"77"}}`,
  `{${SHARED('pricing', '1.1')},"category":"request_end","timestamp":1764511501.2077,"context":{"status":"500 Internal Server Error","headers":[["Content-type","text/plain"]]}}`,
  `{${SHARED('catalog', '1')},"category":"dependency_end","timestamp":1764511501.20901,"context":{"dependency_span_id":"1.1","exception":true,"response":"HTTP 500"}}`,
  `{${SHARED('catalog', '1')},"category":"request_end","timestamp":1764511501.2318,"context":{"r_status":"200 OK","r_exception":{"msg":null,"traceback":null}}}`,
];
const AGGREGATED = [
  `{${SHARED('pricing', '1.1')},"category":"aggregated","timestamp":1764511501.2083,"message":"completed request","context":{"events":[` +
    `{"category":"request_start","timestamp":1764511501.20395,"context":{"http_method":"GET","url_path":"/price"}},` +
    `{"category":"application","timestamp":1764511501.205,"levelname":"ERROR","name":"pricing.db","message":"price missing","context":{"sku":"77"}},` +
    `{"category":"request_end","timestamp":1764511501.2077,"context":{"status":"500 Internal Server Error","headers":[["Content-type","text/plain"]]}}]}}`,
  `{${SHARED('catalog', '1')},"category":"aggregated","timestamp":1764511501.231876,"message":"completed request","context":{"events":[` +
    `{"category":"request_start","timestamp":1764511501.180112,"context":{"http_method":"POST","url_path":"/shelf","url_host":"catalog.internal","headers":{"Cookie":"sid=1"}}},` +
    `{"category":"application","timestamp":1764511501.18502,"levelname":"WARNING","message":"slow profile","context":{"ms":12,"token":"abc"}},` +
    `{"category":"dependency_start","timestamp":1764511501.19002,"context":{"dependency_span_id":"1.1","dependency_name":"pricing","function_name":"_make_request","args":["GET","/price"]}},` +
    `{"category":"dependency_end","timestamp":1764511501.20901,"context":{"dependency_span_id":"1.1","exception":true,"response":"HTTP 500"}},` +
    `{"category":"request_end","timestamp":1764511501.2318,"context":{"r_status":"200 OK","r_exception":{"msg":null,"traceback":null}}}]}}`,
];

function spansFromLines(lines: string[]): SpanView[] {
  const { assembler } = setup();
  const spans: SpanView[] = [];
  for (const line of lines) {
    const r = decodeLine(line);
    if (r.kind !== 'events') throw new Error(`${r.kind} ${r.reason}: ${line.slice(0, 80)}`);
    spans.push(...assembler.add(r.events, 0).map(view));
  }
  spans.push(...assembler.flushAll().map(view));
  return spans;
}

const byKey = (spans: SpanView[]) => new Map(spans.map((s) => [`${s.service} ${s.kind} ${s.tags['hulu.span_id']}`, s]));

t.test('flat and aggregated input give the same spans, field by field', async (t) => {
  const flat = byKey(spansFromLines(FLAT));
  const aggregated = byKey(spansFromLines(AGGREGATED));
  t.strictSame([...flat.keys()].sort(), ['catalog CLIENT 1.1', 'catalog SERVER 1', 'pricing SERVER 1.1']);
  t.strictSame([...aggregated.keys()].sort(), [...flat.keys()].sort());
  for (const [key, f] of flat) {
    const a = aggregated.get(key)!;
    for (const field of Object.keys(f) as Array<keyof SpanView>) t.strictSame(a[field], f[field], `${key}: ${field}`);
    t.strictSame(Object.keys(a).sort(), Object.keys(f).sort(), `${key}: same fields`);
  }
  // And what they are, read off the lines by hand.
  t.strictSame(flat.get('catalog SERVER 1'), {
    traceId: REQ, spanId: sid('1', 'server'), name: 'POST /shelf', kind: 'SERVER', service: 'catalog',
    startUs: 1764511501180112, durationUs: 51688, status: OK,
    tags: {
      'hulu.request_id': REQ, 'hulu.span_id': '1', 'deployment.environment': 'prod', 'host.name': 'node-catalog',
      'http.method': 'POST', 'http.path': '/shelf', 'http.host': 'catalog.internal', 'http.status_code': '200',
      // 1764511501.2318 - .180112 = 51.688 ms; the call .19002 .. .20901 = 18.990 ms
      'time.self_ms': '32.698', 'time.calls_ms': '18.990', 'calls.count': '1', 'callee.pricing': 'count=1 total_ms=18.990',
    },
    annotations: [[1764511501185020, 'WARNING app.tracking: slow profile {"ms":12,"token":"[redacted]"}']],
  });
  t.strictSame(flat.get('catalog CLIENT 1.1'), {
    traceId: REQ, spanId: sid('1.1', 'client'), parentSpanId: sid('1', 'server'), name: 'pricing _make_request', kind: 'CLIENT',
    service: 'catalog', startUs: 1764511501190020, durationUs: 18990, status: failed('HTTP 500'),
    tags: {
      'hulu.request_id': REQ, 'hulu.span_id': '1.1', 'deployment.environment': 'prod', 'host.name': 'node-catalog',
      'peer.service': 'pricing', 'code.function': '_make_request',
    },
    annotations: [],
  });
  t.strictSame(flat.get('pricing SERVER 1.1'), {
    traceId: REQ, spanId: sid('1.1', 'server'), parentSpanId: sid('1.1', 'client'), name: 'GET /price', kind: 'SERVER',
    service: 'pricing', startUs: 1764511501203950, durationUs: 3750, status: failed('price missing {"sku":"77"}'),
    tags: {
      'hulu.request_id': REQ, 'hulu.span_id': '1.1', 'deployment.environment': 'prod', 'host.name': 'node-pricing',
      'http.method': 'GET', 'http.path': '/price', 'http.status_code': '500',
    },
    annotations: [[1764511501205000, 'ERROR pricing.db: price missing {"sku":"77"}']],
  });
});

t.test('re-reading the same lines gives the same ids', async (t) => {
  const first = spansFromLines(FLAT).map((s) => [s.traceId, s.spanId, s.parentSpanId]);
  const again = spansFromLines([...FLAT]).map((s) => [s.traceId, s.spanId, s.parentSpanId]);
  t.strictSame(again, first, 'a fresh assembler');
  const { assembler } = setup();
  const twice: unknown[] = [];
  for (const line of [...FLAT, ...FLAT]) {
    const r = decodeLine(line);
    if (r.kind === 'events') twice.push(...assembler.add(r.events, 0).map(view).map((s) => [s.traceId, s.spanId, s.parentSpanId]));
  }
  t.strictSame(twice, [...first, ...first], 'the same assembler, the lines read twice');
});

t.test('lines after their span ended: a fragment of that span, never a phantom span', async (t) => {
  const { spans, counters } = spansOf([
    reqStart('s', '1', 0, { method: 'GET', path: '/x' }),
    depStart('s', '1', '1.1', 2, { dependencyName: 'db' }),
    depEnd('s', '1', '1.1', 5),
    reqEnd('s', '1', 10, { statusCode: 200 }),
    // written after the response: another thread's line, a fire-and-forget call, the end again
    app('s', '1', 12, 'ERROR', 'audit write failed', { context: { table: 'audit' } }),
    depStart('s', '1', '1.2', 13, { dependencyName: 'audit-db' }),
    depEnd('s', '1', '1.2', 20),
    reqEnd('s', '1', 21, { statusCode: 200 }),
  ]);
  const servers = spans.filter((s) => s.kind === 'SERVER');
  t.equal(servers.length, 2, 'the span and one fragment of it');
  const [span, fragment] = servers as [SpanView, SpanView];
  t.same([fragment.spanId, fragment.parentSpanId, fragment.name, fragment.startUs, fragment.durationUs],
    [span.spanId, span.parentSpanId, 'GET /x', at(0), 10_000], 'same ids, name and times: Zipkin merges them');
  t.same(fragment.tags, { 'hulu.request_id': REQ, 'hulu.span_id': '1' }, 'nothing else to merge (no incomplete marker)');
  t.same(fragment.annotations, [[at(12), 'ERROR: audit write failed {"table":"audit"}']]);
  t.same(fragment.status, failed('audit write failed {"table":"audit"}'), 'an ERROR line makes the span an error');
  t.same(spans.filter((s) => s.kind === 'CLIENT').map((s) => [s.tags['hulu.span_id'], s.parentSpanId]),
    [['1.1', sid('1', 'server')], ['1.2', sid('1', 'server')]], 'the late call still hangs under its span');
  t.same([counters.get('anomaly.late_application_line'), counters.get('anomaly.late_dependency'), counters.get('anomaly.duplicate_request_end'),
    counters.get('incomplete.end_of_input')], [1, 1, 1, 0], 'each counted; nothing left open');
});
