// LogLinter on plain lines: one row per kind of line, with the severity,
// counter and field written out by hand from the format description.
import t from 'tap';
import { LogLinter } from '../../src/lint/lint-lines.js';

const IDS = { tracking_id: '0a9e8d7c6b5a49382716f5e4d3c2b1a0', span_id: '1', service_name: 'svc' };
const rec = (fields: Record<string, unknown>) => JSON.stringify({ ...IDS, timestamp: 1764511620.5, ...fields });

type Row = [name: string, line: string, expected: Array<[severity: string, code: string, field: string | undefined]>];
const rows: Row[] = [
  ['a good request_start', rec({ category: 'request_start', context: { http_method: 'GET' } }), []],
  ['a good application line without context', rec({ category: 'application', message: 'hi' }), []],
  ['an empty line', '', []],
  ['a stack trace line', '  at foo (bar.js:1:2)', [['warning', 'skipped.not_json', undefined]]],
  ['a JSON array', '[1,2]', [['warning', 'skipped.not_an_object', undefined]]],
  ['a line without category', JSON.stringify({ message: 'listening' }), [['warning', 'skipped.no_category', 'category']]],
  ['truncated JSON', rec({ category: 'request_end' }).slice(0, 40), [['warning', 'skipped.not_json', undefined]]],
  ['unknown category', rec({ category: 'request_middle' }), [['error', 'rejected.unknown_category', 'category']]],
  ['no tracking_id', rec({ category: 'application', tracking_id: undefined }), [['error', 'rejected.missing_tracking_id', 'tracking_id']]],
  ['span id with a trailing dot', rec({ category: 'application', span_id: '1.' }), [['error', 'rejected.invalid_span_id', 'span_id']]],
  ['no service_name', rec({ category: 'application', service_name: '' }), [['error', 'rejected.missing_service_name', 'service_name']]],
  ['no timestamp', rec({ category: 'application', timestamp: undefined }), [['error', 'rejected.missing_timestamp', 'timestamp']]],
  ['a date as timestamp', rec({ category: 'application', timestamp: '2026-11-30T14:07:00Z' }), [['error', 'rejected.invalid_timestamp', 'timestamp']]],
  ['timestamp in ms', rec({ category: 'application', timestamp: 1764511620500 }), [['warning', 'converted.timestamp_from_milliseconds', 'timestamp']]],
  ['timestamp as a string', rec({ category: 'application', timestamp: '1764511620.5' }), [['warning', 'converted.timestamp_from_string', 'timestamp']]],
  ['Python NaN', rec({ category: 'application', context: { ratio: 0 } }).replace('"ratio":0', '"ratio":NaN'), [['warning', 'converted.non_standard_number', undefined]]],
  ['dependency_end without its span id', rec({ category: 'dependency_end', context: { exception: false } }), [['error', 'rejected.missing_dependency_span_id', 'context.dependency_span_id']]],
  ['context as a string', rec({ category: 'request_end', context: '200 OK' }), [['error', 'rejected.invalid_context', 'context']]],
  ['aggregated with two bad events of three', rec({ category: 'aggregated', context: { events: [
    { category: 'request_start', timestamp: 1764511620.1 },
    { category: 'request_start', timestamp: 'later' },
    { category: 'dependency_start', timestamp: 1764511620.2, context: { dependency_span_id: '1.01' } },
  ] } }), [['error', 'rejected.invalid_timestamp', 'context.events[1].timestamp'], ['error', 'rejected.invalid_dependency_span_id', 'context.events[2].context.dependency_span_id']]],
];

t.test('one finding per fault, with severity, counter and field', async (t) => {
  for (const [name, line, expected] of rows) {
    const linter = new LogLinter(1 << 20);
    const found = linter.check({ text: line }, 7);
    t.same(found.map((f) => [f.severity, f.code, f.field]), expected, name);
    for (const f of found) {
      t.equal(f.line, 7, `${name}: line number`);
      t.ok(f.problem.length > 0 && f.expected.length > 0, `${name}: says what is wrong and what was expected`);
    }
  }
});

t.test('a line cut at maxLineBytes: an error when no request record is left, a warning when one is', async (t) => {
  const linter = new LogLinter(1024);
  const found = linter.check({ text: '{"category":"appl', cutFromBytes: 5000 }, 3);
  t.same(found.map((f) => [f.severity, f.code]), [['error', 'skipped.line_too_long']]);
  t.match(found[0].problem, /5000 bytes/);
  t.match(found[0].expected, /1024 bytes/);
  // Cut inside its message: the members before it still make a request record (as the daemon reads it).
  const cut = '{"category":"application","tracking_id":"a","span_id":"1","service_name":"s","timestamp":1764511620.5,"message":"xxxx';
  const kept = linter.check({ text: cut, cutFromBytes: 5000 }, 4);
  t.same(kept.map((f) => [f.severity, f.code]), [['warning', 'truncated.record']]);
  t.match(kept[0].problem, /requestflow\.truncated/);
  t.same(linter.result().records, { application: 1 }, 'and it counts as a record');
});

t.test('the summary counts lines, records by category, errors and warnings by code', async (t) => {
  const linter = new LogLinter(1 << 20);
  const lines = [
    rec({ category: 'request_start' }),
    '',
    'plain text',
    rec({ category: 'aggregated', context: { events: [{ category: 'dependency_start', timestamp: 1764511620.1, context: { dependency_span_id: '1.1' } }, { category: 'request_end', timestamp: 1764511620.2 }] } }),
    rec({ category: 'application', span_id: 'x' }),
    rec({ category: 'application', span_id: 'y' }),
  ];
  lines.forEach((text, i) => linter.check({ text }, i + 1));
  t.same(linter.result(), {
    lines: 6,
    emptyLines: 1,
    records: { request_start: 1, dependency_start: 1, request_end: 1 },
    errors: 2,
    warnings: 1,
    errorsByCode: { 'rejected.invalid_span_id': 2 },
    warningsByCode: { 'skipped.not_json': 1 },
  });
});
