// The explanation table agrees with what the decoder rejects: for each row, a
// line planted with one fault is rejected with that reason, and the table
// names the field the fault was planted in.
import t from 'tap';
import { decodeLine } from '../../src/decode/decode-line.js';
import { rejectionExpected, rejectionField } from '../../src/decode/reasons.js';

const GOOD = { tracking_id: '0a9e8d7c6b5a49382716f5e4d3c2b1a0', span_id: '1', service_name: 'svc', timestamp: 1764511620.5 };

t.test('flat lines: reason and field of each planted fault', async (t) => {
  const rows: Array<[fault: Record<string, unknown>, reason: string, field: string]> = [
    [{ category: 'request_middle' }, 'unknown_category', 'category'],
    [{ category: 'application', tracking_id: '' }, 'missing_tracking_id', 'tracking_id'],
    [{ category: 'application', span_id: null }, 'missing_span_id', 'span_id'],
    [{ category: 'application', span_id: '1..2' }, 'invalid_span_id', 'span_id'],
    [{ category: 'application', timestamp: undefined }, 'missing_timestamp', 'timestamp'],
    [{ category: 'application', timestamp: 'noon' }, 'invalid_timestamp', 'timestamp'],
    [{ category: 'application', service_name: 3 }, 'missing_service_name', 'service_name'],
    [{ category: 'dependency_start', context: {} }, 'missing_dependency_span_id', 'context.dependency_span_id'],
    [{ category: 'dependency_end', context: { dependency_span_id: '1.x' } }, 'invalid_dependency_span_id', 'context.dependency_span_id'],
    [{ category: 'request_end', context: [] }, 'invalid_context', 'context'],
    [{ category: 'aggregated', context: { events: 'all' } }, 'invalid_events', 'context.events'],
  ];
  for (const [fault, reason, field] of rows) {
    const r = decodeLine(JSON.stringify({ ...GOOD, ...fault }));
    t.match(r, { kind: 'reject', reason }, reason);
    t.equal(rejectionField(reason as never), field, `${reason}: field`);
    t.ok(rejectionExpected(reason as never).length > 10, `${reason}: says what was expected`);
  }
});

t.test('inner events: the field is the path inside the line', async (t) => {
  const events = [{ category: 'application', timestamp: 1764511620.5 }, 7, { category: 'application', timestamp: 'x' }, { category: 'aggregated', timestamp: 1764511620.5 }];
  const r = decodeLine(JSON.stringify({ ...GOOD, category: 'aggregated', context: { events } }));
  t.equal(r.kind, 'events');
  const rejected = r.kind === 'events' ? r.rejectedEvents ?? [] : [];
  t.same(rejected.map((e) => rejectionField(e.reason, e.index)), ['context.events[1]', 'context.events[2].timestamp', 'context.events[3].category']);
  t.notMatch(rejectionExpected('unknown_category', 3), /aggregated/, 'an inner event cannot be aggregated');
});
