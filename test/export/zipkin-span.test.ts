// ReadableSpan -> Zipkin v2 JSON through the stock exporter transform, the
// pre-send validation, and the size estimate used to bound POSTs. Expected
// spans are written out by hand from the SpanData rows.
import t from 'tap';
import { toReadableSpan, type SpanData } from '../../src/assemble/otel-span.js';
import { approxJsonBytes, toZipkin, zipkinSpanProblem, type ZipkinSpan } from '../../src/export/zipkin-span.js';

const TRACE = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
const data = (over: Partial<SpanData> = {}): SpanData => ({
  traceId: TRACE, spanId: '1111111111111111', name: 'GET /shelf', kind: 'SERVER', service: 'catalog',
  startUs: 1764511501180112, endUs: 1764511501231800, attributes: { 'hulu.span_id': '1' }, annotations: [], ...over,
});
/** What goes over the wire: the transport sends JSON.stringify of the span. */
const wire = (d: SpanData, localIp = '') => JSON.parse(JSON.stringify(toZipkin(toReadableSpan(d), { localIp }))) as Record<string, unknown>;

t.test('a SERVER span and a failed CLIENT span, whole', async (t) => {
  t.strictSame(wire(data({ attributes: { 'hulu.span_id': '1', 'http.method': 'GET' }, annotations: [{ timeUs: 1764511501185020, text: 'INFO: a' }] })), {
    traceId: TRACE, id: '1111111111111111', name: 'GET /shelf', kind: 'SERVER',
    timestamp: 1764511501180112, duration: 51688,
    localEndpoint: { serviceName: 'catalog' },
    tags: { 'hulu.span_id': '1', 'http.method': 'GET' },
    annotations: [{ timestamp: 1764511501185020, value: 'INFO: a' }],
  });
  t.strictSame(wire(data({
    kind: 'CLIENT', spanId: '2222222222222222', parentSpanId: '1111111111111111', name: 'pricing _make_request',
    startUs: 1764511501190020, endUs: 1764511501209010, attributes: { 'hulu.span_id': '1.1', 'peer.service': 'pricing' },
    error: 'HTTP 500',
  }), '10.1.2.3'), {
    traceId: TRACE, parentId: '1111111111111111', id: '2222222222222222', name: 'pricing _make_request', kind: 'CLIENT',
    timestamp: 1764511501190020, duration: 18990,
    localEndpoint: { serviceName: 'catalog', ipv4: '10.1.2.3' },
    remoteEndpoint: { serviceName: 'pricing' },
    tags: { 'hulu.span_id': '1.1', 'peer.service': 'pricing', 'otel.status_code': 'ERROR', error: 'HTTP 500' },
  });
});

t.test('endpoints', async (t) => {
  const cases: Array<[name: string, d: SpanData, ipv4: string, local: unknown, remote: unknown]> = [
    ['CLIENT: remote service from peer.service', data({ kind: 'CLIENT', attributes: { 'peer.service': 'georedis' } }), '', { serviceName: 'catalog' }, { serviceName: 'georedis' }],
    ['CLIENT without peer.service: no remote endpoint', data({ kind: 'CLIENT', attributes: {} }), '', { serviceName: 'catalog' }, undefined],
    ['CLIENT with an empty peer.service: no remote endpoint', data({ kind: 'CLIENT', attributes: { 'peer.service': '' } }), '', { serviceName: 'catalog' }, undefined],
    ['SERVER never has a remote endpoint', data({ kind: 'SERVER', attributes: { 'peer.service': 'georedis' } }), '', { serviceName: 'catalog' }, undefined],
    ['local ipv4 when configured', data(), '10.244.0.17', { serviceName: 'catalog', ipv4: '10.244.0.17' }, undefined],
    ['the service is per span', data({ service: 'pricing' }), '', { serviceName: 'pricing' }, undefined],
  ];
  for (const [name, d, ipv4, local, remote] of cases) {
    const z = wire(d, ipv4);
    t.strictSame([z.localEndpoint, z.remoteEndpoint], [local, remote], name);
  }
});

t.test('the error tag exists exactly for failed spans; service.name is not a tag', async (t) => {
  const cases: Array<[name: string, error: string | undefined, tags: Record<string, string>]> = [
    ['not failed', undefined, { 'hulu.span_id': '1' }],
    ['failed', 'cache unavailable', { 'hulu.span_id': '1', 'otel.status_code': 'ERROR', error: 'cache unavailable' }],
    ['failed with an empty message: the tag still exists', '', { 'hulu.span_id': '1', 'otel.status_code': 'ERROR', error: 'error' }],
  ];
  for (const [name, error, tags] of cases) t.strictSame(wire(data({ error })).tags, tags, name);
});

t.test('timestamps are whole microseconds, as given', async (t) => {
  const cases: Array<[startUs: number, endUs: number, annotationUs: number, duration: number]> = [
    [1764511501180112, 1764511501231800, 1764511501185020, 51688],
    [1764511501214501, 1764511501214502, 1764511501214501, 1],
    [1764511620999999, 1764511621000001, 1764511621000000, 2],
    [1000000000000001, 1000000000000001, 1000000000000001, 1],
    [4294967295999998, 4294967295999999, 4294967295999999, 1],
    [1764511501100000, 1764511503600300, 1764511502000000, 2500300],
  ];
  for (const [startUs, endUs, annotationUs, duration] of cases) {
    const z = toZipkin(toReadableSpan(data({ startUs, endUs, annotations: [{ timeUs: annotationUs, text: 'x' }] })), { localIp: '' });
    t.strictSame([z.timestamp, z.duration, z.annotations?.[0]?.timestamp], [startUs, duration, annotationUs], `${startUs}..${endUs}`);
    t.ok(Number.isSafeInteger(z.timestamp) && Number.isSafeInteger(z.duration), 'integers');
    t.equal(zipkinSpanProblem(z), undefined, 'and valid');
  }
});

const VALID: ZipkinSpan = {
  traceId: TRACE, parentId: '1111111111111111', id: '2222222222222222', name: 'op', kind: 'CLIENT' as never,
  timestamp: 1764511501180112, duration: 10, localEndpoint: { serviceName: 'catalog' },
  tags: { a: 'b' }, annotations: [{ timestamp: 1764511501180113, value: 'x' }],
};

t.test('zipkinSpanProblem: every rule', async (t) => {
  const cases: Array<[name: string, over: Record<string, unknown>, problem: string | undefined]> = [
    ['valid', {}, undefined],
    ['valid: 16-hex trace id', { traceId: '5f1c0e2a9b7d4c3e' }, undefined],
    ['valid: no parent', { parentId: undefined }, undefined],
    ['valid: no annotations', { annotations: undefined }, undefined],
    ['valid: duration 1', { duration: 1 }, undefined],
    ['trace id upper case', { traceId: TRACE.toUpperCase() }, 'traceId is not 16 or 32 lowercase hex'],
    ['trace id of 31 hex', { traceId: TRACE.slice(1) }, 'traceId is not 16 or 32 lowercase hex'],
    ['trace id not hex', { traceId: 'g'.repeat(32) }, 'traceId is not 16 or 32 lowercase hex'],
    // Zipkin answers 400 "traceId is all zeros" / "id is all zeros" for the whole POST.
    ['trace id all zeros (32)', { traceId: '0'.repeat(32) }, 'traceId is all zeros'],
    ['trace id all zeros (16)', { traceId: '0'.repeat(16) }, 'traceId is all zeros'],
    ['span id all zeros', { id: '0'.repeat(16) }, 'id is all zeros'],
    ['span id of 15 hex', { id: '222222222222222' }, 'id is not 16 lowercase hex'],
    ['span id of 32 hex', { id: TRACE }, 'id is not 16 lowercase hex'],
    ['span id upper case', { id: 'ABCDEF0123456789' }, 'id is not 16 lowercase hex'],
    ['parent id not hex', { parentId: 'xyz' }, 'parentId is not 16 lowercase hex'],
    ['parent id empty', { parentId: '' }, 'parentId is not 16 lowercase hex'],
    ['fractional timestamp (Zipkin: 400 for the whole POST)', { timestamp: 1764511501180112.5 }, 'timestamp is not a positive whole number of microseconds'],
    ['zero timestamp', { timestamp: 0 }, 'timestamp is not a positive whole number of microseconds'],
    ['negative timestamp', { timestamp: -5 }, 'timestamp is not a positive whole number of microseconds'],
    ['NaN timestamp', { timestamp: Number.NaN }, 'timestamp is not a positive whole number of microseconds'],
    ['timestamp beyond 2^53', { timestamp: 2 ** 53 }, 'timestamp is not a positive whole number of microseconds'],
    ['zero duration', { duration: 0 }, 'duration is not a whole number of microseconds >= 1'],
    ['fractional duration', { duration: 1.5 }, 'duration is not a whole number of microseconds >= 1'],
    ['no duration', { duration: undefined }, 'duration is not a whole number of microseconds >= 1'],
    ['a tag that is not a string', { tags: { a: 'b', n: 1 } }, 'tag n is not a string'],
    ['fractional annotation timestamp', { annotations: [{ timestamp: 1764511501180112.5, value: 'x' }] }, 'annotation timestamp is not a whole number of microseconds'],
    ['zero annotation timestamp', { annotations: [{ timestamp: 0, value: 'x' }] }, 'annotation timestamp is not a whole number of microseconds'],
  ];
  for (const [name, over, problem] of cases) t.equal(zipkinSpanProblem({ ...VALID, ...over } as ZipkinSpan), problem, name);
});

t.test('approxJsonBytes is at least the real JSON size for ASCII spans', async (t) => {
  const tags = (n: number, len: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`tag.${i}`, 'v'.repeat(len)]));
  const annotations = (n: number, len: number) => Array.from({ length: n }, (_, i) => ({ timestamp: 4294967295999999 - i, value: 'a'.repeat(len) }));
  const cases: Array<[name: string, z: ZipkinSpan]> = [
    ['minimal', { traceId: TRACE, id: '2222222222222222', timestamp: 1, duration: 1, localEndpoint: {}, tags: {} } as ZipkinSpan],
    ['valid example', VALID],
    ['largest numbers and every field', { ...VALID, kind: 'CONSUMER' as never, timestamp: 4294967295999999, duration: 4294967295999999,
      localEndpoint: { serviceName: 'catalog', ipv4: '255.255.255.255' }, remoteEndpoint: { serviceName: 'pricing' } }],
    ['many tags', { ...VALID, tags: tags(200, 30) }],
    ['long tag values', { ...VALID, tags: tags(5, 2048) }],
    ['long name', { ...VALID, name: 'n'.repeat(5000) }],
    ['long service names', { ...VALID, localEndpoint: { serviceName: 's'.repeat(2000) }, remoteEndpoint: { serviceName: 'r'.repeat(2000) } }],
    ['many annotations', { ...VALID, annotations: annotations(500, 5) }],
    ['long annotations', { ...VALID, annotations: annotations(128, 1024) }],
  ];
  for (const [name, z] of cases) {
    const real = Buffer.byteLength(JSON.stringify(z));
    const approx = approxJsonBytes(z);
    t.ok(approx >= real, `${name}: estimate ${approx} >= ${real}`);
  }
});
