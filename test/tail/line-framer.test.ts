// Bytes in, lines out: chunk boundaries anywhere, UTF-8 split across chunks,
// CRLF, an unterminated last line, and lines over maxLineBytes cut with
// bounded memory. Expected lines are written out by hand from the input.
import t from 'tap';
import { LineFramer, type FramedLine } from '../../src/tail/line-framer.js';

/** A line as text (offsets are checked in record-decoder.test.ts). */
type SplitLine = { text: string; cutFromBytes?: number };

const asText = (l: FramedLine): SplitLine =>
  l.cutFromBytes === undefined ? { text: l.bytes.toString('utf8') } : { text: l.bytes.toString('utf8'), cutFromBytes: l.cutFromBytes };

const feed = (max: number, chunks: Buffer[]): SplitLine[] => {
  const s = new LineFramer(max);
  const out: FramedLine[] = [];
  for (const c of chunks) s.push(c, out);
  return s.end(out).map(asText);
};

t.test('whole input in one chunk', async (t) => {
  const cases: Array<[name: string, input: string, lines: SplitLine[]]> = [
    ['nothing', '', []],
    ['one line', 'a\n', [{ text: 'a' }]],
    ['two lines', 'a\nbc\n', [{ text: 'a' }, { text: 'bc' }]],
    ['empty lines are lines', '\n\na\n\n', [{ text: '' }, { text: '' }, { text: 'a' }, { text: '' }]],
    ['unterminated last line', 'a\nb', [{ text: 'a' }, { text: 'b' }]],
    ['CRLF', 'a\r\nb\r\n', [{ text: 'a' }, { text: 'b' }]],
    ['CRLF on an empty line', '\r\n', [{ text: '' }]],
    ['a lone CR inside a line is kept', 'a\rb\n', [{ text: 'a\rb' }]],
    ['only the last CR goes', 'a\r\r\n', [{ text: 'a\r' }]],
    ['unterminated last line with CR', 'a\r', [{ text: 'a' }]],
    ['multi-byte UTF-8', 'é€😀\n', [{ text: 'é€😀' }]],
  ];
  for (const [name, input, lines] of cases) t.strictSame(feed(1024, [Buffer.from(input, 'utf8')]), lines, name);
});

t.test('every split position of every input gives the same lines', async (t) => {
  const inputs: Array<[input: string, lines: string[]]> = [
    ['{"a":1}\n{"b":"é"}\r\nplain text\n\nlast', ['{"a":1}', '{"b":"é"}', 'plain text', '', 'last']],
    // 2-, 3- and 4-byte characters, each split at every byte by some position
    ['é\n€x\n😀\n日本語\n', ['é', '€x', '😀', '日本語']],
    ['\r\n\r\n', ['', '']],
  ];
  for (const [input, lines] of inputs) {
    const bytes = Buffer.from(input, 'utf8');
    const expected = lines.map((text) => ({ text }));
    const wrong: string[] = [];
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const got = feed(1024, [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${i},${j}: ${JSON.stringify(got)}`);
      }
    }
    t.strictSame(wrong, [], `${JSON.stringify(input)} at every pair of split points`);
    // one byte at a time
    t.strictSame(feed(1024, [...bytes].map((b) => Buffer.from([b]))), expected, `${JSON.stringify(input)} byte by byte`);
  }
});

t.test('a line over maxLineBytes is cut and reported with its full length', async (t) => {
  const cases: Array<[name: string, max: number, input: string, lines: SplitLine[]]> = [
    ['exactly the limit: kept whole', 8, 'abcdefgh\n', [{ text: 'abcdefgh' }]],
    ['one over', 8, 'abcdefghi\n', [{ text: 'abcdefgh', cutFromBytes: 9 }]],
    ['far over, then a normal line', 8, `${'x'.repeat(100)}\nok\n`, [{ text: 'xxxxxxxx', cutFromBytes: 100 }, { text: 'ok' }]],
    ['unterminated and over', 8, 'abcdefghijk', [{ text: 'abcdefgh', cutFromBytes: 11 }]],
    ['multi-byte length counted in bytes', 8, `${'é'.repeat(5)}\n`, [{ text: 'éééé', cutFromBytes: 10 }]],
    ['two long lines in a row', 4, 'aaaaaa\nbbbbbbb\n', [{ text: 'aaaa', cutFromBytes: 6 }, { text: 'bbbb', cutFromBytes: 7 }]],
  ];
  for (const [name, max, input, lines] of cases) {
    const bytes = Buffer.from(input, 'utf8');
    t.strictSame(feed(max, [bytes]), lines, name);
    t.strictSame(feed(max, [...bytes].map((b) => Buffer.from([b]))), lines, `${name}, byte by byte`);
  }
});

t.test('a line of exactly maxLineBytes ending in CRLF', async (t) => {
  // The CR is not part of the line, so the line fits; it is reported as cut.
  t.strictSame(feed(8, [Buffer.from('abcdefgh\r\n')]), [{ text: 'abcdefgh' }], 'kept whole');
  t.strictSame(feed(8, [Buffer.from('abcdefghi\r\n')]), [{ text: 'abcdefgh', cutFromBytes: 10 }], 'one byte more is cut');
  t.strictSame(feed(8, [Buffer.from('abcdefghi\n')]), [{ text: 'abcdefgh', cutFromBytes: 9 }], 'without a CR too');
});

t.test('memory stays bounded while a huge line streams through', async (t) => {
  const max = 1024;
  const s = new LineFramer(max);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  // The bytes really kept for the line (a private field: no public getter says it).
  const heldBytes = () => (s as unknown as { partsBytes: number }).partsBytes;
  let highestHeld = 0;
  let highestPending = 0;
  const out: FramedLine[] = [];
  for (let i = 0; i < 64; i++) { // 4 MiB without a line break
    s.push(chunk, out);
    highestHeld = Math.max(highestHeld, heldBytes());
    highestPending = Math.max(highestPending, s.pendingBytes);
  }
  t.strictSame(out, [], 'no line yet');
  s.push(Buffer.from('\nnext\n'), out);
  t.strictSame(out.map((l) => [l.bytes.length, l.cutFromBytes]), [[max, 64 * 64 * 1024], ['next'.length, undefined]]);
  t.equal(s.pendingBytes, 0, 'nothing held after the line ended');
  // One byte of room past the limit, for the "\r" of a line of exactly the limit.
  t.ok(highestHeld === max + 1, `bytes kept for the line never above maxLineBytes + 1 (highest ${highestHeld})`);
  t.ok(highestPending <= max + 1, `pendingBytes never above maxLineBytes + 1 (highest ${highestPending})`);
});

t.test('pendingBytes counts an unfinished line', async (t) => {
  const s = new LineFramer(1024);
  t.equal(s.pendingBytes, 0);
  s.push(Buffer.from('abc'));
  t.equal(s.pendingBytes, 3);
  s.push(Buffer.from('de\nfg'));
  t.equal(s.pendingBytes, 2);
  t.strictSame(s.end().map(asText), [{ text: 'fg' }]);
  t.equal(s.pendingBytes, 0);
  t.strictSame(s.end(), [], 'end() twice gives nothing more');
});
