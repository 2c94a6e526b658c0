import t from 'tap';
import { parseDockerLine } from '../../src/tail/formats/docker.js';

type Want = { stream: string; partial: boolean; content: string } | 'not_docker';

const cases: Array<[line: string, want: Want]> = [
  ['{"log":"hello\\n","stream":"stdout","time":"2024-01-02T03:04:05.123456789Z"}', { stream: 'stdout', partial: false, content: 'hello' }],
  ['{"log":"piece","stream":"stderr","time":"2024-01-02T03:04:05Z"}', { stream: 'stderr', partial: true, content: 'piece' }],
  ['{"log":"crlf\\r\\n","stream":"stdout","time":"t"}', { stream: 'stdout', partial: false, content: 'crlf' }],
  ['{"log":"{\\"a\\":\\"\\u00e9\\"}\\n","stream":"stdout","time":"t"}', { stream: 'stdout', partial: false, content: '{"a":"é"}' }],
  ['{"log":"\\n","stream":"stdout","time":"t","attrs":{"tag":"x"}}', { stream: 'stdout', partial: false, content: '' }],
  ['{"log":"no stream\\n"}', { stream: 'stdout', partial: false, content: 'no stream' }],
  ['{"log":1,"stream":"stdout"}', 'not_docker'],
  ['{"message":"x"}', 'not_docker'],
  ['{"log":"cut', 'not_docker'],
  ['2024-01-02T03:04:05Z stdout F x', 'not_docker'],
  ['[1,2]', 'not_docker'],
];

for (const [line, want] of cases) {
  t.test(line, async (t) => {
    const p = parseDockerLine(Buffer.from(line));
    if (want === 'not_docker') t.equal(p, undefined);
    else t.same(p && { stream: p.stream, partial: p.partial, content: p.content.toString() }, want);
  });
}
