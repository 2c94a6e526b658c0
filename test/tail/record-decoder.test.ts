import t from 'tap';
import { Counters } from '../../src/observe/counters.js';
import { RecordDecoder, type FormatSetting } from '../../src/tail/record-decoder.js';
import type { LogRecord } from '../../src/tail/record-joiner.js';

const T = '2024-01-02T03:04:05.123456789Z';
const cri = (stream: string, tag: string, content: string | Buffer) =>
  Buffer.concat([Buffer.from(`${T} ${stream} ${tag} `), Buffer.from(content), Buffer.from('\n')]);

function decodeAll(input: Buffer, opts: { format?: FormatSetting; maxRecordBytes?: number; chunkBytes?: number } = {}) {
  const counters = new Counters();
  const d = new RecordDecoder({ format: opts.format ?? 'auto', maxRecordBytes: opts.maxRecordBytes ?? 1 << 20, counters });
  const out: LogRecord[] = [];
  const step = opts.chunkBytes ?? input.length;
  for (let i = 0; i < input.length; i += step) out.push(...d.push(input.subarray(i, i + step), 0));
  const beforeEnd = d.safeOffset;
  out.push(...d.end(0));
  return { out, counters, format: d.format, beforeEnd };
}

t.test('CRI pieces join per stream; stderr between stdout pieces is its own record', async (t) => {
  const input = Buffer.concat([
    cri('stdout', 'P', '{"a":'), cri('stderr', 'F', 'Traceback'), cri('stdout', 'P:x', '1,'), cri('stdout', 'F', '"b":2}'),
  ]);
  const { out, format } = decodeAll(input);
  t.equal(format, 'cri');
  t.same(out.map((r) => r.text), ['Traceback', '{"a":1,"b":2}']);
  const l0 = cri('stdout', 'P', '{"a":').length;
  t.same([out[0]!.startOffset, out[1]!.startOffset, out[1]!.endOffset], [l0, 0, input.length], 'byte ranges');
});

t.test('a multi-byte character split across CRI pieces stays intact, read in any chunk size', async (t) => {
  const text = 'Grüße €100 😀 ok';
  const bytes = Buffer.from(text);
  // Cut inside the 4-byte emoji and inside the 3-byte euro sign.
  const cuts = [bytes.indexOf(0xe2) + 1, bytes.indexOf(0xf0) + 2, bytes.length];
  const pieces: Buffer[] = [];
  let from = 0;
  cuts.forEach((c, i) => { pieces.push(cri('stdout', i < cuts.length - 1 ? 'P' : 'F', bytes.subarray(from, c))); from = c; });
  for (const chunkBytes of [1, 7, 1000]) {
    const { out } = decodeAll(Buffer.concat(pieces), { chunkBytes });
    t.same(out.map((r) => r.text), [text], `chunks of ${chunkBytes}`);
  }
});

t.test('Docker json-file pieces without a trailing newline continue', async (t) => {
  const line = (log: string, stream = 'stdout') => `${JSON.stringify({ log, stream, time: T })}\n`;
  const input = Buffer.from(line('{"a":') + line('oops\n', 'stderr') + line('1}\n') + line('next\n'));
  const { out, format } = decodeAll(input);
  t.equal(format, 'docker');
  t.same(out.map((r) => r.text), ['oops', '{"a":1}', 'next']);
});

t.test('plain lines, CRLF, and an unterminated last line at the end of input', async (t) => {
  const { out, format, beforeEnd } = decodeAll(Buffer.from('{"a":1}\r\nplain\n{"half":'));
  t.equal(format, 'plain');
  t.same(out.map((r) => r.text), ['{"a":1}', 'plain', '{"half":']);
  t.equal(beforeEnd, '{"a":1}\r\nplain\n'.length, 'before end(), the safe offset stops at the unfinished line');
});

t.test('records over the limit are cut, counted as such, and bounded in memory', async (t) => {
  const max = 1024;
  const big = 'x'.repeat(5000);
  const rows: Array<[name: string, input: Buffer, format: FormatSetting, wantTexts: string[], wantCut: (number | undefined)[]]> = [
    ['plain', Buffer.from(`a\n${big}\nb\n`), 'auto', ['a', 'x'.repeat(max), 'b'], [undefined, 5000, undefined]],
    ['CRI pieces', Buffer.concat([cri('stdout', 'P', big), cri('stdout', 'P', big), cri('stdout', 'F', 'end'), cri('stdout', 'F', 'b')]), 'auto',
      ['x'.repeat(max), 'b'], [10003, undefined]],
  ];
  for (const [name, input, format, wantTexts, wantCut] of rows) {
    const { out } = decodeAll(input, { format, maxRecordBytes: max, chunkBytes: 100 });
    t.same(out.map((r) => r.text), wantTexts, name);
    t.same(out.map((r) => r.cutFromBytes), wantCut, `${name}: full lengths`);
  }
});

t.test('a cut never splits a multi-byte character', async (t) => {
  const { out } = decodeAll(Buffer.from(`${'a'.repeat(1023)}€€€\n`), { maxRecordBytes: 1024 + 1 });
  t.equal(out[0]!.text, `${'a'.repeat(1023)}`, 'the partial euro sign is dropped, not turned into U+FFFD');
});

t.test('a chain without its final piece holds the safe offset, and is flushed when stale', async (t) => {
  const counters = new Counters();
  const d = new RecordDecoder({ format: 'cri', maxRecordBytes: 1 << 20, counters });
  const first = cri('stdout', 'F', 'one');
  const out = d.push(Buffer.concat([first, cri('stdout', 'P', 'never'), cri('stderr', 'F', 'err')]), 1000);
  t.same(out.map((r) => r.text), ['one', 'err']);
  t.equal(d.safeOffset, first.length, 'checkpoint may not pass the open chain');
  t.same(d.flushStale(1500, 1000), [], 'not stale yet');
  const flushed = d.flushStale(2000, 1000);
  t.same(flushed.map((r) => [r.text, r.unfinished]), [['never', true]]);
  t.equal(counters.get('truncated.partial_chain_flushed'), 1);
});

t.test('a line not in the file\'s format is kept as a plain record and counted', async (t) => {
  const { out, counters } = decodeAll(Buffer.concat([cri('stdout', 'F', 'ok'), Buffer.from('garbage line\n')]));
  t.same(out.map((r) => r.text), ['ok', 'garbage line']);
  t.equal(counters.get('converted.malformed_cri_line'), 1);
});
