// A record cut at the limit: still a request record (truncated) or skipped
// as line_too_long. Expected results written from each row's text.
import t from 'tap';
import { decodeRecord } from '../../src/decode/decode-record.js';

const HEAD = '{"category":"application","tracking_id":"r1","span_id":"1","service_name":"s","timestamp":1764511620.5';

t.test('decodeRecord', async (t) => {
  const rows: Array<[name: string, text: string, cutFromBytes: number | undefined, expected: object]> = [
    ['a whole record is decoded as it is', `${HEAD},"message":"m"}`, undefined, { kind: 'events', events: [{ message: 'm' }] }],
    ['cut inside the message: the rest is a record without it', `${HEAD},"message":"mmmm`, 9000, { kind: 'events', truncated: true, events: [{ requestId: 'r1', message: null }] }],
    ['cut before the ids: no record left', '{"message":"mmmmmmmm', 9000, { kind: 'skip', reason: 'line_too_long' }],
    ['cut text that is not JSON', 'Traceback (most recent call last): ...', 9000, { kind: 'skip', reason: 'line_too_long' }],
    ['cut JSON that is no request record', '{"levelname":"INFO","message":"xx', 9000, { kind: 'skip', reason: 'line_too_long' }],
  ];
  for (const [name, text, cut, expected] of rows) t.match(decodeRecord(text, cut), expected, name);
  t.notOk((decodeRecord(`${HEAD},"message":"m"}`, undefined) as { truncated?: boolean }).truncated, 'a whole record is not marked truncated');
});
