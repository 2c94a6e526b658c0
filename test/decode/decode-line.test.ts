import t from 'tap';
import { decodeLine } from '../../src/decode/decode-line.js';
import type { DecodeResult, LogEvent } from '../../src/decode/log-event.js';
import { isSpanPath } from '../../src/decode/span-path.js';

/** Fields every test record shares; rows add or override the rest. */
const RECORD = {
  tracking_id: 'Req-42',
  span_id: '1.2',
  service_name: 'catalog',
  timestamp: 1764511620.5,
  levelname: 'INFO',
  name: 'catalog.web',
};
const line = (fields: Record<string, unknown>): string => JSON.stringify({ ...RECORD, ...fields });
const without = (key: keyof typeof RECORD, fields: Record<string, unknown>): string => {
  const record: Record<string, unknown> = { ...RECORD, ...fields };
  delete record[key];
  return JSON.stringify(record);
};

/** The event fields RECORD should give, written out independently. */
const BASE = {
  requestId: 'Req-42',
  spanPath: '1.2',
  service: 'catalog',
  timeUs: 1764511620500000,
  level: 'INFO',
  logger: 'catalog.web',
};

const one = (event: LogEvent, conversions: DecodeResult extends never ? never : string[] = []): DecodeResult =>
  ({ kind: 'events', events: [event], conversions }) as DecodeResult;

t.test('variants of each category', async (t) => {
  const cases: Array<[name: string, input: string, expected: DecodeResult]> = [
    ['request_start with headers, url_args and param merged (param wins)',
      line({ category: 'request_start', context: {
        http_method: 'GET', url_path: '/shelf', url_host: 'catalog.internal', url_full: 'http://catalog.internal/shelf?id=home',
        url_args: { id: 'home', page: '1' }, param: { page: '2', lang: 'en' },
        headers: { Cookie: 'sid=1' }, body: { a: [1] },
      } }),
      one({ category: 'request_start', ...BASE, method: 'GET', path: '/shelf', host: 'catalog.internal',
        urlFull: 'http://catalog.internal/shelf?id=home', query: { id: 'home', page: '2', lang: 'en' },
        headers: { Cookie: 'sid=1' }, body: { a: [1] } })],
    ['request_start with `header` and only `param`',
      line({ category: 'request_start', context: { header: { Accept: '*/*' }, param: { q: 'x' } } }),
      one({ category: 'request_start', ...BASE, headers: { Accept: '*/*' }, query: { q: 'x' } })],
    ['request_start with only url_args',
      line({ category: 'request_start', context: { url_args: { ip: '198.51.100.7' } } }),
      one({ category: 'request_start', ...BASE, query: { ip: '198.51.100.7' } })],
    ['request_start without context',
      line({ category: 'request_start' }),
      one({ category: 'request_start', ...BASE })],
    ['request_start with null context and fields of wrong types',
      line({ category: 'request_start', context: null }),
      one({ category: 'request_start', ...BASE })],
    ['request_start ignores mistyped fields',
      line({ category: 'request_start', context: { http_method: 5, url_path: null, url_args: 'a=1', headers: 'x' } }),
      one({ category: 'request_start', ...BASE })],
    ['request_end r_* spelling, no exception',
      line({ category: 'request_end', context: {
        r_status: '200 OK', r_headers: { 'Content-type': 'application/json' }, r_body: '{"items": 12}',
        r_exception: { msg: null, traceback: null } } }),
      one({ category: 'request_end', ...BASE, statusCode: 200, statusText: '200 OK',
        headers: { 'Content-type': 'application/json' }, body: '{"items": 12}' })],
    ['request_end plain spelling, header pairs, exception',
      line({ category: 'request_end', context: {
        status: '503 Service Unavailable',
        headers: [['Content-type', 'application/json'], ['Vary', 'Accept'], ['Vary', 'Cookie'], ['bad'], 7],
        body: '', exception: { msg: 'cache unavailable', traceback: 'Traceback ...' } } }),
      one({ category: 'request_end', ...BASE, statusCode: 503, statusText: '503 Service Unavailable',
        headers: { 'Content-type': 'application/json', Vary: 'Accept, Cookie' }, body: '',
        exceptionMessage: 'cache unavailable', traceback: 'Traceback ...' })],
    ['request_end numeric status',
      line({ category: 'request_end', context: { status: 200 } }),
      one({ category: 'request_end', ...BASE, statusCode: 200 })],
    ['request_end status without a code',
      line({ category: 'request_end', context: { r_status: 'OK' } }),
      one({ category: 'request_end', ...BASE, statusText: 'OK' })],
    ['request_end exception as a bare string, null body kept',
      line({ category: 'request_end', context: { exception: 'boom', r_body: null } }),
      one({ category: 'request_end', ...BASE, exceptionMessage: 'boom', body: null })],
    ['request_end exception as a traceback string: its last line is the message',
      line({ category: 'request_end', context: { r_exception: 'Traceback (most recent call last):\n  File "a.py", line 3, in f\nKeyError: \'sku\'\n' } }),
      one({ category: 'request_end', ...BASE, exceptionMessage: "KeyError: 'sku'",
        traceback: 'Traceback (most recent call last):\n  File "a.py", line 3, in f\nKeyError: \'sku\'\n' })],
    ['request_end empty context: status unknown',
      line({ category: 'request_end', context: {} }),
      one({ category: 'request_end', ...BASE })],
    ['request_end without context',
      line({ category: 'request_end' }),
      one({ category: 'request_end', ...BASE })],
    ['request_end empty header list',
      line({ category: 'request_end', context: { headers: [] } }),
      one({ category: 'request_end', ...BASE, headers: {} })],
    ['dependency_start, all fields, span id trimmed',
      line({ category: 'dependency_start', context: {
        dependency_span_id: ' 1.2.1 ', dependency_name: 'profiles', function_name: '_make_request',
        args: ['GET', '/profile/7001'], kwargs: { timeout: 2 } } }),
      one({ category: 'dependency_start', ...BASE, callSpanPath: '1.2.1', dependencyName: 'profiles',
        functionName: '_make_request', args: ['GET', '/profile/7001'], kwargs: { timeout: 2 } })],
    ['dependency_start, only the span id',
      line({ category: 'dependency_start', context: { dependency_span_id: '1.2.1' } }),
      one({ category: 'dependency_start', ...BASE, callSpanPath: '1.2.1' })],
    ['dependency_end failed, with response and names',
      line({ category: 'dependency_end', context: {
        dependency_span_id: '1.2.1', exception: true, response: 'TimeoutError: read timed out',
        dependency_name: 'georedis', function_name: 'cache_get' } }),
      one({ category: 'dependency_end', ...BASE, callSpanPath: '1.2.1', exception: true,
        response: 'TimeoutError: read timed out', dependencyName: 'georedis', functionName: 'cache_get' })],
    ['dependency_end fine',
      line({ category: 'dependency_end', context: { dependency_span_id: '1.2.1', exception: false } }),
      one({ category: 'dependency_end', ...BASE, callSpanPath: '1.2.1', exception: false })],
    ['dependency_end without exception',
      line({ category: 'dependency_end', context: { dependency_span_id: '1.2.1' } }),
      one({ category: 'dependency_end', ...BASE, callSpanPath: '1.2.1' })],
    ['application with message and context',
      line({ category: 'application', levelname: 'ERROR', message: 'video blocked', context: { reason: 'geo' } }),
      one({ category: 'application', ...BASE, level: 'ERROR', message: 'video blocked', context: { reason: 'geo' } })],
    ['application with null message',
      line({ category: 'application', message: null }),
      one({ category: 'application', ...BASE, message: null })],
    ['application without message, custom level',
      line({ category: 'application', levelname: 'STATS' }),
      one({ category: 'application', ...BASE, level: 'STATS', message: null })],
    ['application with a non-string message',
      line({ category: 'application', message: 42 }),
      one({ category: 'application', ...BASE, message: null })],
    ['environment, partial and with extra fields',
      line({ category: 'application', message: 'm', environment: { name: 'prod', hostname: 'node-1', rack: 4 } }),
      one({ category: 'application', ...BASE, message: 'm', environment: { name: 'prod', hostname: 'node-1' } })],
    ['span_id trimmed, tracking_id and service_name kept as written',
      line({ category: 'application', span_id: ' 1.2 ', tracking_id: ' ABC-def ', service_name: 'Geo Service' }),
      one({ category: 'application', ...BASE, requestId: ' ABC-def ', service: 'Geo Service', message: null })],
    ['no levelname or name',
      JSON.stringify({ tracking_id: 'Req-42', span_id: '1.2', service_name: 'catalog', timestamp: 1764511620.5, category: 'application' }),
      one({ category: 'application', requestId: 'Req-42', spanPath: '1.2', service: 'catalog', timeUs: 1764511620500000, message: null })],
    ['line break and surrounding spaces',
      `  ${line({ category: 'application' })}\r\n`,
      one({ category: 'application', ...BASE, message: null })],
  ];
  for (const [name, input, expected] of cases) t.strictSame(decodeLine(input), expected, name);
});

t.test('a header named __proto__ stays an own key', async (t) => {
  const result = decodeLine(line({ category: 'request_end', context: { headers: [['__proto__', 'x']] } }));
  const headers = result.kind === 'events' && result.events[0].category === 'request_end' ? result.events[0].headers : undefined;
  t.equal(Object.getPrototypeOf(headers), Object.prototype);
  t.strictSame(Object.keys(headers ?? {}), ['__proto__']);
});

t.test('skips', async (t) => {
  const cases: Array<[name: string, input: string, reason: string]> = [
    ['empty', '', 'empty_line'],
    ['spaces and tabs', ' \t \r', 'empty_line'],
    ['only a BOM', '\uFEFF', 'empty_line'],
    ['stack trace line', 'Traceback (most recent call last):', 'not_json'],
    ['indented stack trace line', '  File "geo/server.py", line 88, in lookup', 'not_json'],
    ['plain log with a time first', '2026-11-30 14:05:01 INFO started', 'not_json'],
    ['bare number (not told apart from text)', '42', 'not_json'],
    ['bare null (not told apart from text)', 'null', 'not_json'],
    ['broken object', '{"category": "application", ', 'not_json'],
    ['brace then text', '{ this is not json }', 'not_json'],
    ['bracketed text', '[2026-11-30 14:05:01] [4100] [INFO] Booting worker', 'not_json'],
    ['array', '[{"category": "application"}]', 'not_an_object'],
    ['string', '"category"', 'not_an_object'],
    ['no category', '{"levelname":"INFO","name":"urllib3.connectionpool","message":"Starting new HTTP connection"}', 'no_category'],
    ['null category', line({ category: null }), 'no_category'],
  ];
  for (const [name, input, reason] of cases) t.strictSame(decodeLine(input), { kind: 'skip', reason }, name);
});

t.test('rejects', async (t) => {
  const dependency = (context: unknown) => line({ category: 'dependency_start', context });
  const cases: Array<[name: string, input: string, reason: string]> = [
    ['unknown category', line({ category: 'request_middle' }), 'unknown_category'],
    ['category of wrong type', line({ category: 5 }), 'unknown_category'],
    ['empty category', line({ category: '' }), 'unknown_category'],
    ['no tracking_id', without('tracking_id', { category: 'application' }), 'missing_tracking_id'],
    ['empty tracking_id', line({ category: 'application', tracking_id: '' }), 'missing_tracking_id'],
    ['blank tracking_id', line({ category: 'application', tracking_id: '   ' }), 'missing_tracking_id'],
    ['numeric tracking_id', line({ category: 'application', tracking_id: 42 }), 'missing_tracking_id'],
    ['no span_id', without('span_id', { category: 'application' }), 'missing_span_id'],
    ['empty span_id', line({ category: 'application', span_id: '' }), 'missing_span_id'],
    ['numeric span_id', line({ category: 'application', span_id: 1 }), 'missing_span_id'],
    ['span_id not dotted decimal', line({ category: 'application', span_id: 'abc' }), 'invalid_span_id'],
    ['span_id with an empty part', line({ category: 'application', span_id: '1..2' }), 'invalid_span_id'],
    ['span_id with a leading zero', line({ category: 'application', span_id: '1.02' }), 'invalid_span_id'],
    ['no service_name', without('service_name', { category: 'application' }), 'missing_service_name'],
    ['empty service_name', line({ category: 'application', service_name: '' }), 'missing_service_name'],
    ['object service_name', line({ category: 'application', service_name: {} }), 'missing_service_name'],
    ['no timestamp', without('timestamp', { category: 'application' }), 'missing_timestamp'],
    ['null timestamp', line({ category: 'application', timestamp: null }), 'missing_timestamp'],
    ['boolean timestamp', line({ category: 'application', timestamp: true }), 'invalid_timestamp'],
    ['negative timestamp', line({ category: 'application', timestamp: -1764511620.5 }), 'invalid_timestamp'],
    ['implausible timestamp', line({ category: 'application', timestamp: 17645116 }), 'invalid_timestamp'],
    ['text timestamp', line({ category: 'application', timestamp: '2026-11-30 14:07' }), 'invalid_timestamp'],
    ['NaN timestamp (Python)', line({ category: 'application' }).replace('1764511620.5', 'NaN'), 'invalid_timestamp'],
    ['Infinity timestamp (Python)', line({ category: 'application' }).replace('1764511620.5', 'Infinity'), 'invalid_timestamp'],
    ['dependency without context', line({ category: 'dependency_end' }), 'missing_dependency_span_id'],
    ['dependency without span id', dependency({ dependency_name: 'db' }), 'missing_dependency_span_id'],
    ['dependency with empty span id', dependency({ dependency_span_id: ' ' }), 'missing_dependency_span_id'],
    ['dependency with numeric span id', dependency({ dependency_span_id: 1.1 }), 'missing_dependency_span_id'],
    ['dependency with invalid span id', dependency({ dependency_span_id: '1.x' }), 'invalid_dependency_span_id'],
    ['string context', line({ category: 'request_start', context: 'GET /' }), 'invalid_context'],
    ['array context', line({ category: 'application', context: ['a'] }), 'invalid_context'],
    ['dependency with array context', dependency([]), 'invalid_context'],
    ['aggregated without context', line({ category: 'aggregated' }), 'invalid_context'],
    ['aggregated with string context', line({ category: 'aggregated', context: 'x' }), 'invalid_context'],
    ['aggregated without events', line({ category: 'aggregated', context: {} }), 'invalid_events'],
    ['aggregated with object events', line({ category: 'aggregated', context: { events: {} } }), 'invalid_events'],
  ];
  for (const [name, input, reason] of cases) {
    const result = decodeLine(input);
    t.match(result, { kind: 'reject', reason }, name);
    if (result.kind === 'reject') t.ok(result.detail.length > 0 && result.detail.length < 120, `${name}: short detail "${result.detail}"`);
  }
});

t.test('a reject detail never quotes a huge field whole', async (t) => {
  const result = decodeLine(line({ category: 'application', span_id: 'x'.repeat(1 << 20) }));
  t.match(result, { kind: 'reject', reason: 'invalid_span_id' });
  t.ok(result.kind === 'reject' && result.detail.length < 120);
});

t.test('conversions', async (t) => {
  const app = (fields: Record<string, unknown>) => line({ category: 'application', ...fields });
  const cases: Array<[name: string, input: string, timeUs: number, conversions: string[]]> = [
    ['none', app({ timestamp: 1764511620.1002 }), 1764511620100200, []],
    ['timestamp as a string', app({ timestamp: '1764511620.1002' }), 1764511620100200, ['timestamp_from_string']],
    ['timestamp in ms', app({ timestamp: 1764511620100 }), 1764511620100000, ['timestamp_from_milliseconds']],
    ['timestamp in ms, as a string', app({ timestamp: '1764511620100' }), 1764511620100000, ['timestamp_from_string', 'timestamp_from_milliseconds']],
    ['timestamp in µs', app({ timestamp: 1764511620100200 }), 1764511620100200, ['timestamp_from_microseconds']],
    ['byte order mark', `\uFEFF${app({})}`, 1764511620500000, ['byte_order_mark']],
    ['Python NaN in context', app({ context: { ratio: 0 } }).replace('"ratio":0', '"ratio":NaN'), 1764511620500000, ['non_standard_number']],
    ['BOM and -Infinity and a string time', `\uFEFF${app({ timestamp: '1764511620.5', context: { v: 0 } }).replace('"v":0', '"v":-Infinity')}`,
      1764511620500000, ['byte_order_mark', 'non_standard_number', 'timestamp_from_string']],
  ];
  for (const [name, input, timeUs, conversions] of cases) {
    t.match(decodeLine(input), { kind: 'events', events: [{ timeUs }], conversions }, name);
    const result = decodeLine(input);
    t.strictSame(result.kind === 'events' ? result.conversions : undefined, conversions, `${name}: exact conversions`);
  }
});

t.test('Python NaN/Infinity become null, strings untouched', async (t) => {
  const input = line({ category: 'application', message: 'NaN Infinity', context: { a: 1, b: [2], c: 'Infinity' } })
    .replace('"a":1', '"a":NaN').replace('"b":[2]', '"b":[Infinity,-Infinity]');
  t.strictSame(decodeLine(input), one({ category: 'application', ...BASE, message: 'NaN Infinity',
    context: { a: null, b: [null, null], c: 'Infinity' } }, ['non_standard_number']));
});

t.test('aggregated records', async (t) => {
  t.test('inner events inherit the line, may carry their own level and logger', async (t) => {
    const input = line({ category: 'aggregated', message: 'completed request', environment: { name: 'prod' }, context: { events: [
      { category: 'application', timestamp: 1764511620.25, message: 'inner', levelname: 'ERROR', name: 'inner.log',
        tracking_id: 'ignored', span_id: '9', service_name: 'ignored' },
      { category: 'request_end', timestamp: '1764511620.75', context: { r_status: '200 OK' } },
    ] } });
    t.strictSame(decodeLine(input), {
      kind: 'events',
      events: [
        { category: 'application', ...BASE, timeUs: 1764511620250000, level: 'ERROR', logger: 'inner.log',
          environment: { name: 'prod' }, message: 'inner' },
        { category: 'request_end', ...BASE, timeUs: 1764511620750000, environment: { name: 'prod' },
          statusCode: 200, statusText: '200 OK' },
      ],
      conversions: ['timestamp_from_string'],
    });
  });

  t.test('an invalid inner event is rejected alone', async (t) => {
    const input = line({ category: 'aggregated', context: { events: [
      { category: 'application', timestamp: 1764511620.25 },
      5,
      { category: 'request_middle', timestamp: 1764511620.25 },
      { timestamp: 1764511620.25 },
      { category: 'aggregated', timestamp: 1764511620.25, context: { events: [] } },
      { category: 'application' },
      { category: 'application', timestamp: 'soon' },
      { category: 'dependency_start', timestamp: 1764511620.3, context: {} },
      { category: 'dependency_end', timestamp: 1764511620.3, context: { dependency_span_id: '1.2.x' } },
      { category: 'request_start', timestamp: 1764511620.3, context: 'GET /' },
      { category: 'application', timestamp: '1764511620.5', message: 'kept' },
    ] } });
    t.strictSame(decodeLine(input), {
      kind: 'events',
      events: [
        { category: 'application', ...BASE, timeUs: 1764511620250000, message: null },
        { category: 'application', ...BASE, timeUs: 1764511620500000, message: 'kept' },
      ],
      conversions: ['timestamp_from_string'],
      rejectedEvents: [
        { index: 1, reason: 'invalid_events', detail: 'event 1 is 5, not an object' },
        { index: 2, reason: 'unknown_category', detail: 'event 2 category "request_middle" is not known' },
        { index: 3, reason: 'unknown_category', detail: 'event 3 category absent is not known' },
        { index: 4, reason: 'unknown_category', detail: 'event 4 category "aggregated" is not known' },
        { index: 5, reason: 'missing_timestamp', detail: 'no timestamp' },
        { index: 6, reason: 'invalid_timestamp', detail: 'timestamp string "soon" is not a decimal number' },
        { index: 7, reason: 'missing_dependency_span_id', detail: 'dependency_span_id is absent' },
        { index: 8, reason: 'invalid_dependency_span_id', detail: 'dependency_span_id "1.2.x" is not a dotted decimal path' },
        { index: 9, reason: 'invalid_context', detail: 'request_start context is "GET /", not an object' },
      ],
    });
  });

  t.test('no inner events', async (t) => {
    t.strictSame(decodeLine(line({ category: 'aggregated', context: { events: [] } })), { kind: 'events', events: [], conversions: [] });
  });

  t.test('the enclosing timestamp is not needed', async (t) => {
    const input = without('timestamp', { category: 'aggregated', context: { events: [{ category: 'application', timestamp: 1764511620.5 }] } });
    t.strictSame(decodeLine(input), one({ category: 'application', ...BASE, message: null }));
  });

  t.test('line-level ids are still required', async (t) => {
    t.match(decodeLine(without('tracking_id', { category: 'aggregated', context: { events: [] } })), { kind: 'reject', reason: 'missing_tracking_id' });
  });
});

t.test('flat and aggregated forms of one request give equal events', async (t) => {
  // test/fixtures/legacy/request-end-variants.ndjson, rewritten by hand one line per event.
  const shared = '"process":4100,"levelname":"INFO","name":"app.tracking","service_name":"geo","environment":{"datacenter":"dc-east","hostname":"node-c2","name":"prod"},"tracking_id":"c4d5e6f708192a3b4c5d6e7f80910a1b","span_id":"1"';
  const flat = [
    `{${shared},"message":"starting request","category":"request_start","timestamp":1764511700.501,"context":{"body":{},"headers":{},"url_full":"http://geo.internal/lookup?ip=198.51.100.7","url_args":{"ip":"198.51.100.7"},"http_method":"GET","url_host":"geo.internal","url_path":"/lookup"}}`,
    `{${shared},"message":null,"category":"dependency_start","timestamp":1764511700.502,"context":{"dependency_name":"georedis","args":["get"],"dependency_span_id":"1.1","kwargs":{},"function_name":"cache_get"}}`,
    `{${shared},"message":null,"category":"dependency_end","timestamp":1764511700.5095,"context":{"exception":true,"response":"TimeoutError: read timed out after 5 ms","dependency_span_id":"1.1"}}`,
    `{${shared},"message":"ending request","category":"request_end","timestamp":1764511700.5123,"context":{"status":"503 Service Unavailable","headers":[["Content-type","application/json"]],"exception":{"msg":"cache unavailable","traceback":"Traceback (most recent call last):\\n  File \\"geo/server.py\\", line 88, in lookup\\n    raise CacheUnavailable()\\nCacheUnavailable: cache unavailable"},"body":"{\\"error\\": \\"cache unavailable\\"}"}}`,
  ];
  const { readFileSync } = await import('node:fs');
  const aggregatedLine = readFileSync(new URL('../fixtures/legacy/request-end-variants.ndjson', import.meta.url), 'utf8').trim();
  const flatEvents = flat.flatMap((l) => {
    const result = decodeLine(l);
    return result.kind === 'events' ? result.events : [];
  });
  const aggregated = decodeLine(aggregatedLine);
  t.equal(flatEvents.length, 4);
  t.strictSame(aggregated, { kind: 'events', events: flatEvents, conversions: [] });
});

t.test('a 1 MiB line', async (t) => {
  const message = 'x'.repeat(1 << 20);
  const started = Date.now();
  const result = decodeLine(line({ category: 'application', message }));
  t.ok(result.kind === 'events' && result.events[0].category === 'application' && result.events[0].message === message);
  t.equal(decodeLine(`{${'"a":'.repeat(1 << 18)}`), decodeLine('{'), 'a 1 MiB broken object is not_json');
  t.strictSame(decodeLine(`{${'"a":'.repeat(1 << 18)}`), { kind: 'skip', reason: 'not_json' });
  t.strictSame(decodeLine(' '.repeat(1 << 20)), { kind: 'skip', reason: 'empty_line' });
  t.strictSame(decodeLine(`{"s":"${'\\"'.repeat(1 << 19)}`), { kind: 'skip', reason: 'not_json' });
  t.ok(Date.now() - started < 5000, 'in well under 5 s');
});

t.test('invalid UTF-8 and NUL bytes never throw', async (t) => {
  const bytes = Buffer.from(line({ category: 'application', message: 'AB' }), 'utf8');
  const messageAt = bytes.indexOf('AB');
  const broken = Buffer.concat([bytes.subarray(0, messageAt), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(messageAt)]);
  t.match(decodeLine(broken.toString('utf8')), { kind: 'events', events: [{ message: '\uFFFD(\uFFFDAB' }] });
  t.strictSame(decodeLine('\u0000\u0000{}'), { kind: 'skip', reason: 'not_json' });
  t.strictSame(decodeLine('{"a":"\u0000"}'), { kind: 'skip', reason: 'not_json' }, 'raw NUL inside a JSON string is invalid JSON');
});

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = new Set(['events', 'skip', 'reject']);

/** What any result must satisfy, whatever the input. */
function checkResultShape(result: DecodeResult): string | undefined {
  if (!KINDS.has(result.kind)) return `kind ${String(result.kind)}`;
  if (result.kind !== 'events') return undefined;
  for (const event of result.events) {
    if (!Number.isSafeInteger(event.timeUs) || event.timeUs < 1e15) return `timeUs ${event.timeUs}`;
    if (!isSpanPath(event.spanPath)) return `spanPath ${event.spanPath}`;
    if (event.requestId.trim() === '' || event.service.trim() === '') return 'blank id';
  }
  return undefined;
}

t.test('random bytes never throw', async (t) => {
  const random = mulberry32(1234);
  let failures = 0;
  let firstFailure = '';
  for (let i = 0; i < 3000; i++) {
    const buffer = Buffer.alloc(Math.floor(random() * 2048));
    for (let j = 0; j < buffer.length; j++) buffer[j] = Math.floor(random() * 256);
    if (i % 2 === 0 && buffer.length > 0) buffer[0] = 0x7b; // reach the JSON path half the time
    const text = buffer.toString('utf8');
    try {
      const problem = checkResultShape(decodeLine(text));
      if (problem !== undefined) throw new Error(problem);
    } catch (error) {
      failures++;
      firstFailure ||= `${String(error)} for ${JSON.stringify(text.slice(0, 80))}`;
    }
  }
  t.equal(failures, 0, firstFailure);
});

t.test('mutated valid records never throw and never yield malformed events', async (t) => {
  const { readFileSync } = await import('node:fs');
  const seeds = ['aggregated-two-services.ndjson', 'flat-single-service.ndjson', 'request-end-variants.ndjson']
    .flatMap((file) => readFileSync(new URL(`../fixtures/legacy/${file}`, import.meta.url), 'utf8').split('\n'))
    .filter((l) => l.length > 0)
    .map((l) => Buffer.from(l, 'utf8'));
  const random = mulberry32(99);
  const replacements = [0x00, 0x22, 0x5c, 0x2e, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x39, 0x4e, 0xff, 0x20];
  let failures = 0;
  let firstFailure = '';
  let eventsSeen = 0;
  for (let i = 0; i < 5000; i++) {
    const buffer = Buffer.from(seeds[i % seeds.length]);
    const flips = 1 + Math.floor(random() * 4);
    for (let k = 0; k < flips; k++) {
      buffer[Math.floor(random() * buffer.length)] = replacements[Math.floor(random() * replacements.length)];
    }
    const text = buffer.toString('utf8');
    try {
      const result = decodeLine(text);
      if (result.kind === 'events') eventsSeen += result.events.length;
      const problem = checkResultShape(result);
      if (problem !== undefined) throw new Error(problem);
    } catch (error) {
      failures++;
      firstFailure ||= `${String(error)} for ${JSON.stringify(text.slice(0, 200))}`;
    }
  }
  t.equal(failures, 0, firstFailure);
  t.ok(eventsSeen > 1000, 'the mutations still reach event decoding');
});

// Rows added against the decoding list (variants of log-format.md,
// bad-input kinds, Python's non-finite numbers, BOM).
t.test('more variants of log-format.md', async (t) => {
  const cases: Array<[name: string, input: string, expected: DecodeResult]> = [
    ['dependency_end with names, without exception',
      line({ category: 'dependency_end', context: { dependency_span_id: '1.2.1', dependency_name: 'index', function_name: 'run_query' } }),
      one({ category: 'dependency_end', ...BASE, callSpanPath: '1.2.1', dependencyName: 'index', functionName: 'run_query' })],
    ['dependency_end exception=true without response',
      line({ category: 'dependency_end', context: { dependency_span_id: '1.2.1', exception: true } }),
      one({ category: 'dependency_end', ...BASE, callSpanPath: '1.2.1', exception: true })],
    ['dependency_end with an exception that is not a boolean: left out',
      line({ category: 'dependency_end', context: { dependency_span_id: '1.2.1', exception: 'yes', response: 42 } }),
      one({ category: 'dependency_end', ...BASE, callSpanPath: '1.2.1' })],
    ['request_end r_status with headers as pairs',
      line({ category: 'request_end', context: { r_status: '404 Not Found', headers: [['Vary', 'Accept']] } }),
      one({ category: 'request_end', ...BASE, statusCode: 404, statusText: '404 Not Found', headers: { Vary: 'Accept' } })],
    ['request_end r_exception with a message and no traceback',
      line({ category: 'request_end', context: { r_status: '500 Internal Server Error', r_exception: { msg: 'boom', traceback: null } } }),
      one({ category: 'request_end', ...BASE, statusCode: 500, statusText: '500 Internal Server Error', exceptionMessage: 'boom' })],
    ['request_end status as a numeric string',
      line({ category: 'request_end', context: { status: '503' } }),
      one({ category: 'request_end', ...BASE, statusCode: 503, statusText: '503' })],
    ['request_end r_headers as an object wins over headers',
      line({ category: 'request_end', context: { r_headers: { A: '1' }, headers: [['B', '2']] } }),
      one({ category: 'request_end', ...BASE, headers: { A: '1' } })],
    // The query belongs in url_args: a path must not carry it (tokens) to the tag and span name.
    ['request_start url_path with a query string: the path without it',
      line({ category: 'request_start', context: { url_path: '/login?session_token=tok-1&lang=de' } }),
      one({ category: 'request_start', ...BASE, path: '/login' })],
    ['request_start url_path that is only a query', line({ category: 'request_start', context: { url_path: '?a=1' } }),
      one({ category: 'request_start', ...BASE, path: '' })],
    ['application with an empty context',
      line({ category: 'application', message: 'm', context: {} }),
      one({ category: 'application', ...BASE, message: 'm', context: {} })],
  ];
  for (const [name, input, expected] of cases) t.strictSame(decodeLine(input), expected, name);
});

t.test("Python's NaN, Infinity and -Infinity: lines are read, not dropped", async (t) => {
  const app = line({ category: 'application', message: 'm', context: { v: 0 } });
  const cases: Array<[name: string, input: string, expected: DecodeResult]> = [
    ['NaN as a context value', app.replace('"v":0', '"v":NaN'),
      one({ category: 'application', ...BASE, message: 'm', context: { v: null } }, ['non_standard_number'])],
    ['Infinity as a context value', app.replace('"v":0', '"v":Infinity'),
      one({ category: 'application', ...BASE, message: 'm', context: { v: null } }, ['non_standard_number'])],
    ['-Infinity as a context value', app.replace('"v":0', '"v":-Infinity'),
      one({ category: 'application', ...BASE, message: 'm', context: { v: null } }, ['non_standard_number'])],
    ['NaN as the message', app.replace('"message":"m"', '"message":NaN'),
      one({ category: 'application', ...BASE, message: null, context: { v: 0 } }, ['non_standard_number'])],
    ['NaN as a top-level informational field', app.replace('{', '{"process":NaN,'),
      one({ category: 'application', ...BASE, message: 'm', context: { v: 0 } }, ['non_standard_number'])],
    ['Infinity as a status: status unknown', line({ category: 'request_end', context: { status: 0 } }).replace('"status":0', '"status":Infinity'),
      one({ category: 'request_end', ...BASE }, ['non_standard_number'])],
    ['NaN inside an aggregated event, the event kept',
      line({ category: 'aggregated', context: { events: [{ category: 'application', timestamp: 1764511620.25, message: 'x', context: { ratio: 0 } }] } }).replace('"ratio":0', '"ratio":NaN'),
      one({ category: 'application', ...BASE, timeUs: 1764511620250000, message: 'x', context: { ratio: null } }, ['non_standard_number'])],
  ];
  for (const [name, input, expected] of cases) t.strictSame(decodeLine(input), expected, name);

  const rejects: Array<[name: string, input: string, reason: string]> = [
    ['-Infinity timestamp', line({ category: 'application' }).replace('1764511620.5', '-Infinity'), 'invalid_timestamp'],
    ['NaN tracking_id', line({ category: 'application' }).replace('"Req-42"', 'NaN'), 'missing_tracking_id'],
  ];
  for (const [name, input, reason] of rejects) t.match(decodeLine(input), { kind: 'reject', reason }, name);

  t.strictSame(decodeLine(line({ category: 'aggregated', context: { events: [
    { category: 'application', timestamp: 0, message: 'bad time' },
    { category: 'application', timestamp: 1764511620.75, message: 'kept' },
  ] } }).replace('"timestamp":0', '"timestamp":NaN')), {
    kind: 'events',
    events: [{ category: 'application', ...BASE, timeUs: 1764511620750000, message: 'kept' }],
    conversions: ['non_standard_number'],
    rejectedEvents: [{ index: 0, reason: 'invalid_timestamp', detail: 'timestamp is NaN' }],
  }, 'a NaN inner timestamp rejects that event alone, as an invalid (not missing) time');
});

t.test('timestamps: converted and counted, or rejected, never a wrong time', async (t) => {
  const app = (timestamp: unknown) => line({ category: 'application', timestamp });
  const converted: Array<[name: string, input: string, timeUs: number, conversions: string[]]> = [
    ['ms with a fraction', app(1764511620100.25), 1764511620100250, ['timestamp_from_milliseconds']],
    ['µs as a string', app('1764511620100200'), 1764511620100200, ['timestamp_from_string', 'timestamp_from_microseconds']],
    ['ms as a string with 4 decimals: rounded to the µs', app('1764511620100.2506'), 1764511620100251, ['timestamp_from_string', 'timestamp_from_milliseconds']],
    ['seconds with 7 decimals: rounded to the µs', app(1764511620.1234567), 1764511620123457, []],
    ['aggregated inner events: each conversion counted',
      line({ category: 'aggregated', context: { events: [
        { category: 'application', timestamp: '1764511620.25' }, { category: 'application', timestamp: 1764511620750 }] } }),
      1764511620250000, ['timestamp_from_string', 'timestamp_from_milliseconds']],
  ];
  for (const [name, input, timeUs, conversions] of converted) {
    const result = decodeLine(input);
    t.match(result, { kind: 'events', events: [{ timeUs }] }, name);
    t.strictSame(result.kind === 'events' ? result.conversions : undefined, conversions, `${name}: conversions`);
  }
  const rejected: Array<[name: string, input: string]> = [
    ['nanoseconds (19 digits)', app(1764511620100200300)],
    ['nanoseconds as a string', app('1764511620100200300')],
    ['seconds before 2001 (e.g. a duration)', app(58.2)],
    ['a date string', app('Sun, 30 Nov 2025 14:07:00 GMT')],
    ['a number with an exponent in a string', app('1.7645116201e9')],
    ['an object', app({ seconds: 1764511620 })],
  ];
  for (const [name, input] of rejected) t.match(decodeLine(input), { kind: 'reject', reason: 'invalid_timestamp' }, name);
});

t.test('a byte-order mark before any kind of line', async (t) => {
  const cases: Array<[name: string, input: string, expected: DecodeResult]> = [
    ['before plain text', '\uFEFFTraceback (most recent call last):', { kind: 'skip', reason: 'not_json' }],
    ['before an array', '\uFEFF[1]', { kind: 'skip', reason: 'not_an_object' }],
    ['before a line without category', '\uFEFF{"a":1}', { kind: 'skip', reason: 'no_category' }],
    ['before spaces and a record', `\uFEFF  ${line({ category: 'application' })}`, one({ category: 'application', ...BASE, message: null }, ['byte_order_mark'])],
    ['before an invalid record: still rejected with its reason', `\uFEFF${line({ category: 'application', span_id: 'x' })}`,
      { kind: 'reject', reason: 'invalid_span_id', detail: 'span_id "x" is not a dotted decimal path' }],
    ['before an aggregated record', `\uFEFF${line({ category: 'aggregated', context: { events: [{ category: 'application', timestamp: 1764511620.5 }] } })}`,
      one({ category: 'application', ...BASE, message: null }, ['byte_order_mark'])],
  ];
  for (const [name, input, expected] of cases) t.strictSame(decodeLine(input), expected, name);
});

t.test('a 1 MiB aggregated line with 20 000 events is decoded whole', async (t) => {
  const events = Array.from({ length: 20_000 }, (_, i) => ({ category: 'application', timestamp: 1764511620 + i / 1000, message: `m${i}` }));
  const input = line({ category: 'aggregated', context: { events } });
  t.ok(input.length > 1 << 20, `${input.length} characters`);
  const result = decodeLine(input);
  t.equal(result.kind === 'events' ? result.events.length : -1, 20_000);
  t.match(result, { kind: 'events', events: { 19999: { timeUs: 1764511639999000, message: 'm19999' } } });
});
