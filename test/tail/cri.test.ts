import t from 'tap';
import { parseCriLine } from '../../src/tail/formats/cri.js';

type Want = { stream: string; partial: boolean; content: string } | 'not_cri';

// One row per RFC3339 variant and tag form the runtimes write.
const cases: Array<[line: string, want: Want]> = [
  ['2024-01-02T03:04:05Z stdout F hello', { stream: 'stdout', partial: false, content: 'hello' }],
  ['2024-01-02T03:04:05.1Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.12Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.123Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.1234Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.12345Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.123456Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.1234567Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.12345678Z stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.123456789Z stderr F a', { stream: 'stderr', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.123456789+01:00 stdout P a', { stream: 'stdout', partial: true, content: 'a' }],
  ['2024-01-02T03:04:05-07:30 stdout F a', { stream: 'stdout', partial: false, content: 'a' }],
  ['2024-01-02T03:04:05.5+00:00 stdout F {"x": 1}', { stream: 'stdout', partial: false, content: '{"x": 1}' }],
  ['2024-01-02t03:04:05.5z stdout F lower case', { stream: 'stdout', partial: false, content: 'lower case' }],
  // extra tags after P/F
  ['2024-01-02T03:04:05.5Z stdout P:foo piece', { stream: 'stdout', partial: true, content: 'piece' }],
  ['2024-01-02T03:04:05.5Z stdout F:x:y last', { stream: 'stdout', partial: false, content: 'last' }],
  // content keeps its own spaces; empty content with and without the space
  ['2024-01-02T03:04:05.5Z stdout F   two  spaces ', { stream: 'stdout', partial: false, content: '  two  spaces ' }],
  ['2024-01-02T03:04:05.5Z stdout F ', { stream: 'stdout', partial: false, content: '' }],
  ['2024-01-02T03:04:05.5Z stdout F', { stream: 'stdout', partial: false, content: '' }],
  // not CRI
  ['{"log":"x","stream":"stdout","time":"2024-01-02T03:04:05Z"}', 'not_cri'],
  ['2024-01-02T03:04:05.1234567890Z stdout F ten fraction digits', 'not_cri'],
  ['2024-01-02T03:04:05. stdout F dot without digits', 'not_cri'],
  ['2024-01-02T03:04:05 stdout F no zone', 'not_cri'],
  ['2024-01-02T03:04:05+0100 stdout F offset without colon', 'not_cri'],
  ['2024-01-02 03:04:05Z stdout F space for T', 'not_cri'],
  ['2024-01-02T03:04:05Z stdin F wrong stream', 'not_cri'],
  ['2024-01-02T03:04:05Z stdout X bad tag', 'not_cri'],
  ['2024-01-02T03:04:05Z stdout', 'not_cri'],
  ['plain text', 'not_cri'],
  ['', 'not_cri'],
];

for (const [line, want] of cases) {
  t.test(JSON.stringify(line), async (t) => {
    const p = parseCriLine(Buffer.from(line));
    if (want === 'not_cri') t.equal(p, undefined);
    else t.same(p && { stream: p.stream, partial: p.partial, content: p.content.toString() }, want);
  });
}

t.test('content stays bytes: a multi-byte character split at a piece end is not decoded here', async (t) => {
  const euro = Buffer.from('€'); // e2 82 ac
  const line = Buffer.concat([Buffer.from('2024-01-02T03:04:05Z stdout P ab'), euro.subarray(0, 2)]);
  const p = parseCriLine(line)!;
  t.same([...p.content], [0x61, 0x62, 0xe2, 0x82]);
});
