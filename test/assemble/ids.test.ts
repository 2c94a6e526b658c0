// Trace and span ids from the documented formulas (README "How log records
// become spans"): expected values are written out by hand, taken from
// `sha256sum` run outside the test, or computed here with node:crypto from
// the formula, never by the code under test.
import t from 'tap';
import { createHash } from 'node:crypto';
import { spanIdFor, traceIdFor, type SpanSide } from '../../src/assemble/ids.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** The documented formula for ids that are not (normalisable) 32 hex. */
const hashedTraceId = (requestId: string) => sha256(`requestflow/request-id/${requestId}`).slice(0, 32);

t.test('traceIdFor', async (t) => {
  const cases: Array<[name: string, requestId: string, traceId: string, how: 'as_is' | 'normalised' | 'hashed']> = [
    ['32 lowercase hex, as is', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', 'as_is'],
    ['32 hex with a leading zero, as is', '0a9e8d7c6b5a49382716f5e4d3c2b1a0', '0a9e8d7c6b5a49382716f5e4d3c2b1a0', 'as_is'],
    ['upper case, normalised', '5F1C0E2A9B7D4C3E8A6F0B1D2C3E4F50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', 'normalised'],
    ['mixed case, normalised', '5f1C0e2A9b7D4c3E8a6F0b1D2c3E4f50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', 'normalised'],
    ['UUID with dashes', '5f1c0e2a-9b7d-4c3e-8a6f-0b1d2c3e4f50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', 'normalised'],
    ['UUID with dashes, upper case', '5F1C0E2A-9B7D-4C3E-8A6F-0B1D2C3E4F50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', 'normalised'],
    // Literal from `printf %s requestflow/request-id/Req-42 | sha256sum`, first 32 hex.
    ['other id, hashed (sha256sum vector)', 'Req-42', '5f474aecb885f80fcbe4179bbd1a9a94', 'hashed'],
    // All zeros is not a valid trace id in Zipkin or OpenTelemetry: hashed (sha256sum vector).
    ['all-zero 32 hex, hashed', '00000000000000000000000000000000', '42cbfd903ddd62dc0d6176eea2373530', 'hashed'],
    ['all-zero UUID with dashes, hashed', '00000000-0000-0000-0000-000000000000', hashedTraceId('00000000-0000-0000-0000-000000000000'), 'hashed'],
    ['31 hex, hashed', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f5', hashedTraceId('5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f5'), 'hashed'],
    ['33 hex, hashed', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f501', hashedTraceId('5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f501'), 'hashed'],
    ['16 hex (a 64-bit id), hashed', '5f1c0e2a9b7d4c3e', hashedTraceId('5f1c0e2a9b7d4c3e'), 'hashed'],
    ['non-hex letter, hashed', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f5g', hashedTraceId('5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f5g'), 'hashed'],
    ['surrounding spaces are not trimmed: hashed', ' 5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50 ', hashedTraceId(' 5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50 '), 'hashed'],
    ['UUID in braces, hashed', '{5f1c0e2a-9b7d-4c3e-8a6f-0b1d2c3e4f50}', hashedTraceId('{5f1c0e2a-9b7d-4c3e-8a6f-0b1d2c3e4f50}'), 'hashed'],
    ['dashes in the wrong places, hashed', '5f1c0e2a9-b7d-4c3e-8a6f-0b1d2c3e4f50', hashedTraceId('5f1c0e2a9-b7d-4c3e-8a6f-0b1d2c3e4f50'), 'hashed'],
    ['non-ASCII id, hashed over its UTF-8', 'réquête-ü-42', hashedTraceId('réquête-ü-42'), 'hashed'],
  ];
  for (const [name, requestId, traceId, how] of cases) {
    t.strictSame(traceIdFor(requestId), { traceId, how }, name);
  }
});

t.test('hashed trace ids differ per request id and are 32 lowercase hex', async (t) => {
  const ids = ['a', 'b', 'Req-42', 'req-42', '1'].map((r) => traceIdFor(r).traceId);
  t.equal(new Set(ids).size, ids.length, 'no two request ids share a trace id');
  for (const id of ids) t.match(id, /^[0-9a-f]{32}$/);
});

t.test('spanIdFor: first 16 hex of SHA-256("<traceId>/<spanPath>/<side>")', async (t) => {
  const trace = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';
  const cases: Array<[spanPath: string, side: SpanSide, spanId: string]> = [
    // Literals from `printf %s '<trace>/1.2/client' | sha256sum` (and /1/server), first 16 hex.
    ['1.2', 'client', '0fa6e133b468e987'],
    ['1', 'server', 'afb0920a02338910'],
    ['1', 'client', sha256(`${trace}/1/client`).slice(0, 16)],
    ['1.2', 'server', sha256(`${trace}/1.2/server`).slice(0, 16)],
    ['1.2.10', 'server', sha256(`${trace}/1.2.10/server`).slice(0, 16)],
    ['1.2.1', 'client', sha256(`${trace}/1.2.1/client`).slice(0, 16)],
  ];
  for (const [spanPath, side, spanId] of cases) {
    t.equal(spanIdFor(trace, spanPath, side), spanId, `${spanPath} ${side}`);
  }
});

t.test('span ids: 16 lowercase hex, never all zero, distinct per path and side, same on every call', async (t) => {
  const traces = ['5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', traceIdFor('Req-42').traceId];
  const seen = new Set<string>();
  const bad: string[] = [];
  let count = 0;
  for (const trace of traces) {
    for (let i = 1; i <= 50; i++) {
      for (const path of [`${i}`, `1.${i}`, `1.2.${i}`]) {
        for (const side of ['server', 'client'] as const) {
          const id = spanIdFor(trace, path, side);
          if (!/^[0-9a-f]{16}$/.test(id) || id === '0000000000000000') bad.push(`${path} ${side}: ${id}`);
          if (spanIdFor(trace, path, side) !== id) bad.push(`${path} ${side}: not the same when computed again`);
          seen.add(id);
          count++;
        }
      }
    }
  }
  t.strictSame(bad, [], 'every id is 16 lowercase hex, non-zero, stable');
  t.equal(seen.size, count, 'no two (trace, path, side) share an id');
});
