// SpanData -> ReadableSpan: times from µs exact, status, parent context.
// Expected values are written out by hand from the rows.
import t from 'tap';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { hrTimeFromUs, toReadableSpan, type SpanData } from '../../src/assemble/otel-span.js';

t.test('hrTimeFromUs is exact', async (t) => {
  const cases: Array<[us: number, hr: [number, number]]> = [
    [0, [0, 0]],
    [1, [0, 1000]],
    [999_999, [0, 999_999_000]],
    [1_000_000, [1, 0]],
    [1_000_001, [1, 1000]],
    [1764511620100200, [1764511620, 100_200_000]],
    [1764511501214501, [1764511501, 214_501_000]],
    [1764511620999999, [1764511620, 999_999_000]],
    [1764511621000000, [1764511621, 0]],
    [4294967295999999, [4294967295, 999_999_000]],
  ];
  for (const [us, hr] of cases) t.strictSame(hrTimeFromUs(us), hr, `${us} µs`);
});

const TRACE = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
const data = (over: Partial<SpanData> = {}): SpanData => ({
  traceId: TRACE, spanId: '1111111111111111', name: 'GET /shelf', kind: 'SERVER', service: 'catalog',
  startUs: 1764511501180112, endUs: 1764511501231800, attributes: { 'hulu.span_id': '1' }, annotations: [], ...over,
});

t.test('times: start, end and duration in whole µs', async (t) => {
  const cases: Array<[name: string, startUs: number, endUs: number, start: [number, number], end: [number, number], duration: [number, number]]> = [
    ['normal', 1764511501180112, 1764511501231800, [1764511501, 180_112_000], [1764511501, 231_800_000], [0, 51_688_000]],
    ['across a second', 1764511501999999, 1764511502000002, [1764511501, 999_999_000], [1764511502, 2000], [0, 3000]],
    ['longer than a second', 1764511501000000, 1764511503500000, [1764511501, 0], [1764511503, 500_000_000], [2, 500_000_000]],
    ['zero length becomes 1 µs', 1764511501180112, 1764511501180112, [1764511501, 180_112_000], [1764511501, 180_113_000], [0, 1000]],
    ['end before start becomes 1 µs', 1764511501180112, 1764511501000000, [1764511501, 180_112_000], [1764511501, 180_113_000], [0, 1000]],
  ];
  for (const [name, startUs, endUs, start, end, duration] of cases) {
    const s = toReadableSpan(data({ startUs, endUs }));
    t.strictSame([s.startTime, s.endTime, s.duration], [start, end, duration], name);
  }
});

t.test('status', async (t) => {
  const cases: Array<[name: string, error: string | undefined, status: { code: SpanStatusCode; message?: string }]> = [
    ['no error', undefined, { code: SpanStatusCode.UNSET }],
    ['an error with its message', 'cache unavailable', { code: SpanStatusCode.ERROR, message: 'cache unavailable' }],
    // Zipkin's `error` tag is written only for a non-empty message.
    ['an error with an empty message still has one', '', { code: SpanStatusCode.ERROR, message: 'error' }],
  ];
  for (const [name, error, status] of cases) t.strictSame(toReadableSpan(data({ error })).status, status, name);
});

t.test('ids, kind, parent context, attributes and events', async (t) => {
  const root = toReadableSpan(data());
  t.strictSame(root.spanContext(), { traceId: TRACE, spanId: '1111111111111111', traceFlags: TraceFlags.SAMPLED });
  t.equal(root.parentSpanContext, undefined, 'no parent id: no parent context');
  t.equal(root.kind, SpanKind.SERVER);
  t.strictSame(root.attributes, { 'service.name': 'catalog', 'hulu.span_id': '1' });
  t.equal(root.ended, true);

  const child = toReadableSpan(data({
    kind: 'CLIENT', spanId: '2222222222222222', parentSpanId: '1111111111111111',
    annotations: [{ timeUs: 1764511501185020, text: 'WARNING: slow' }, { timeUs: 1764511501190000, text: 'INFO: b' }],
  }));
  t.equal(child.kind, SpanKind.CLIENT);
  // The parent may be in another sidecar's output: a remote context in the same trace.
  t.strictSame(child.parentSpanContext, { traceId: TRACE, spanId: '1111111111111111', traceFlags: TraceFlags.SAMPLED, isRemote: true });
  t.strictSame(child.events, [
    { name: 'WARNING: slow', time: [1764511501, 185_020_000] },
    { name: 'INFO: b', time: [1764511501, 190_000_000] },
  ]);
});
