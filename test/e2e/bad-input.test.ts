// Bad input never stops requestflow: every kind is counted by its reason,
// and the good records around it still reach the real Zipkin. One row per
// kind: the line as written, and the counter it must land in.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRequestflow, spawnRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
const dir = mkdtempSync(join(tmpdir(), 'rf-bad-input-'));
const freshId = () => `c${randomBytes(15).toString('hex')}d`;

const requestId = freshId();
const T = 1764600100.25; // seconds
const rec = (fields: Record<string, unknown>) =>
  JSON.stringify({ tracking_id: requestId, span_id: '1', service_name: 'badinput', timestamp: T, levelname: 'INFO', ...fields });
const without = (key: string, fields: Record<string, unknown>) => {
  const o = JSON.parse(rec(fields)) as Record<string, unknown>;
  delete o[key];
  return JSON.stringify(o);
};

type Row = [label: string, line: string | Buffer, counter: string | undefined];
const rows: Row[] = [
  ['plain text', 'Traceback (most recent call last):', 'skipped.not_json'],
  ['broken JSON', '{"category": "request_start", "tracking_id": ', 'skipped.not_json'],
  ['a JSON array', '[1, 2, 3]', 'skipped.not_an_object'],
  ['a JSON string', '"hello"', 'skipped.not_an_object'],
  ['an empty line', '', 'skipped.empty_line'],
  ['an object without category', '{"levelname": "INFO", "message": "Starting new HTTP connection"}', 'skipped.no_category'],
  ['an unknown category', rec({ category: 'request_middle' }), 'rejected.unknown_category'],
  ['no tracking_id', without('tracking_id', { category: 'application', message: 'x' }), 'rejected.missing_tracking_id'],
  ['no span_id', without('span_id', { category: 'application', message: 'x' }), 'rejected.missing_span_id'],
  ['span_id not dotted decimal', rec({ category: 'application', span_id: '1.a', message: 'x' }), 'rejected.invalid_span_id'],
  ['no timestamp', without('timestamp', { category: 'application', message: 'x' }), 'rejected.missing_timestamp'],
  ['a timestamp that is not a time', rec({ category: 'application', timestamp: 'yesterday', message: 'x' }), 'rejected.invalid_timestamp'],
  ['a timestamp of NaN (Python)', rec({ category: 'application', message: 'x' }).replace(`"timestamp":${T}`, '"timestamp":NaN'), 'rejected.invalid_timestamp'],
  ['a timestamp in the 1970s', rec({ category: 'application', timestamp: 12345.5, message: 'x' }), 'rejected.invalid_timestamp'],
  ['no service_name', without('service_name', { category: 'application', message: 'x' }), 'rejected.missing_service_name'],
  ['dependency without dependency_span_id', rec({ category: 'dependency_start', context: { dependency_name: 'db' } }), 'rejected.missing_dependency_span_id'],
  ['context not an object', rec({ category: 'request_start', context: 'GET /' }), 'rejected.invalid_context'],
  // Accepted, with the repair counted:
  ['request_start, timestamp as a string', rec({ category: 'request_start', timestamp: '1764600100.250000', context: { http_method: 'GET', url_path: '/bad' } }), 'converted.timestamp_from_string'],
  ['application line, timestamp in ms', rec({ category: 'application', timestamp: 1764600100260, message: 'in ms' }), 'converted.timestamp_from_milliseconds'],
  ['application line with Infinity in its context', rec({ category: 'application', timestamp: T + 0.02, message: 'inf', context: { ratio: 0 } }).replace('"ratio":0', '"ratio":Infinity'), 'converted.non_standard_number'],
  ['application line after a byte-order mark', `\uFEFF${rec({ category: 'application', timestamp: T + 0.03, message: 'bom' })}`, 'converted.byte_order_mark'],
  ['invalid UTF-8 inside a message', Buffer.concat([Buffer.from(rec({ category: 'application', timestamp: T + 0.04, message: 'bytes:XX' }).split('XX')[0]!), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`"}`)]), undefined],
  // Cut at the limit, the record is closed at its last complete member: still a request record.
  ['a request record over the 1 MiB line limit', rec({ category: 'application', timestamp: T + 0.06, message: 'y'.repeat(1_100_000) }), 'truncated.record'],
  ['a line over the limit that is no record once cut', `{"pad": "${'p'.repeat(1_100_000)}", ${rec({ category: 'application' }).slice(1)}`, 'skipped.line_too_long'],
  ['a line just under 1 MiB', rec({ category: 'application', timestamp: T + 0.05, message: 'z'.repeat(1_000_000) }), 'truncated.annotation_text'],
  ['request_end', rec({ category: 'request_end', timestamp: T + 0.1, context: { r_status: '200 OK' } }), undefined],
];

t.test('every bad-input kind is counted by reason; the good records still arrive', async (t) => {
  const file = join(dir, 'mixed.log');
  writeFileSync(file, Buffer.concat(rows.map(([, line]) => Buffer.concat([Buffer.from(line), Buffer.from('\n')]))));
  const r = await runRequestflow(['--once', '--json', '--zipkin-url', spansUrl(base), file]);
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr.slice(0, 500)})`);
  const summary = JSON.parse(r.stdout) as Record<string, Record<string, number> | number>;

  const expected: Record<string, Record<string, number>> = { skipped: {}, rejected: {}, converted: {}, truncated: {} };
  for (const [, , counter] of rows) {
    if (!counter) continue;
    const [group, reason] = counter.split('.') as [string, string];
    expected[group]![reason] = (expected[group]![reason] ?? 0) + 1;
  }
  t.equal(summary.linesRead, rows.length);
  t.same(summary.skipped, expected.skipped, 'skipped by reason');
  t.same(summary.rejected, expected.rejected, 'rejected by reason');
  t.same(summary.converted, expected.converted, 'converted by reason');
  t.same(summary.truncated, expected.truncated, 'cut by reason');
  t.equal(summary.spansExported, 1, 'one SERVER span from the good records');

  const [span] = await waitForTrace(base, requestId);
  t.equal(span!.timestamp, 1764600100250000, 'the string timestamp kept its exact microseconds');
  t.equal(span!.duration, 100000);
  const texts = (span!.annotations ?? []).map((a) => a.value);
  t.ok(texts.includes('INFO: in ms'), 'the ms timestamp line is an annotation');
  t.equal(span!.annotations!.find((a) => a.value === 'INFO: in ms')?.timestamp, 1764600100260000, 'at the right time');
  t.ok(texts.includes('INFO: inf {"ratio":null}'), 'Infinity became null, the line was kept');
  t.ok(texts.includes('INFO: bom'));
  t.ok(texts.some((v) => v.startsWith('INFO: bytes:\uFFFD')), 'invalid UTF-8 became U+FFFD, the line was kept');
  t.ok(texts.some((v) => v.startsWith('INFO: zzz') && v.endsWith('…[truncated]') && v.length <= 1024), 'the huge message was cut');
  t.ok(texts.includes('INFO: (no message)'), 'the record cut at the limit is kept without the member it lost');
  t.equal(span!.tags?.['requestflow.truncated'] !== undefined, true, 'and its span says it was cut');
});

t.test('a binary file: every line skipped, nothing rejected, exit 0', async (t) => {
  // A fixed pseudo-random byte stream (xorshift), so the run is repeatable.
  const bytes = Buffer.alloc(512 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  const file = join(dir, 'binary.bin');
  writeFileSync(file, bytes);
  const newlines = bytes.filter((b) => b === 0x0a).length;
  const r = await runRequestflow(['--once', '--json', '--zipkin-url', spansUrl(base), file]);
  t.equal(r.code, 0);
  const summary = JSON.parse(r.stdout) as { linesRead: number; skipped: Record<string, number>; rejected: Record<string, number> };
  const lastLineUnterminated = bytes[bytes.length - 1] !== 0x0a ? 1 : 0;
  t.equal(summary.linesRead, newlines + lastLineUnterminated);
  t.equal(Object.values(summary.skipped).reduce((a, b) => a + b, 0), summary.linesRead, 'all skipped');
  t.same(summary.rejected, {});
});

t.test('the daemon keeps going on stdin after bad input', async (t) => {
  const id = freshId();
  const child = spawnRequestflow(['--zipkin-url', spansUrl(base), '-'], { stdin: '' });
  const good = (fields: Record<string, unknown>) =>
    JSON.stringify({ tracking_id: id, span_id: '1', service_name: 'badinput-stdin', timestamp: T, ...fields });
  child.stdin!.write('not json at all\n\u0000\u0001\u0002\n[1]\n{"category":"request_start"}\n');
  child.stdin!.write(`${good({ category: 'request_start', context: { http_method: 'GET', url_path: '/after-garbage' } })}\n`);
  child.stdin!.write(`${good({ category: 'request_end', timestamp: T + 0.01 })}\n`);
  const [span] = await waitForTrace(base, id, { timeoutMs: 30_000 });
  t.equal(span!.name, 'get /after-garbage');
  t.equal(child.exitCode, null, 'still running');
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('exit', r));
  t.equal(code, 0, 'SIGTERM: clean exit');
});
