import t from 'tap';
import { parseLenientJson, replaceNonFiniteTokens } from '../../src/decode/lenient-json.js';

type Expected = { value: unknown; repaired: boolean } | 'not_json';

const cases: Array<[text: string, expected: Expected]> = [
  ['{"a":1}', { value: { a: 1 }, repaired: false }],
  ['  {"a":"NaN"}  ', { value: { a: 'NaN' }, repaired: false }],
  ['{"a":NaN}', { value: { a: null }, repaired: true }],
  ['{"a":Infinity,"b":-Infinity}', { value: { a: null, b: null }, repaired: true }],
  ['{"a":[NaN, 1, Infinity]}', { value: { a: [null, 1, null] }, repaired: true }],
  ['{"s":"NaN and Infinity stay text","n":NaN}', { value: { s: 'NaN and Infinity stay text', n: null }, repaired: true }],
  ['{"s":"quote \\" then NaN","n":-Infinity}', { value: { s: 'quote " then NaN', n: null }, repaired: true }],
  ['{"s":"ends with backslash \\\\","n":NaN}', { value: { s: 'ends with backslash \\', n: null }, repaired: true }],
  // A record's own timestamp stays NaN so it is rejected as invalid, not missing.
  ['{"category":"application","timestamp":NaN}', { value: { category: 'application', timestamp: Number.NaN }, repaired: true }],
  ['{"context":{"timestamp":NaN}}', { value: { context: { timestamp: null } }, repaired: true }],
  ['{"a":1', 'not_json'],
  ['{"a":NaN', 'not_json'],
  ['{"a":NaNa}', 'not_json'],
  ['{"a":nan}', 'not_json'],
  ['{"a":"NaN}', 'not_json'],
  ['{ Traceback (most recent call last):', 'not_json'],
  ['', 'not_json'],
];

for (const [text, expected] of cases) {
  const result = parseLenientJson(text);
  if (expected === 'not_json') t.strictSame(result, { ok: false }, text);
  else t.strictSame(result, { ok: true, ...expected }, text);
}

const tokenCases: Array<[text: string, found: boolean]> = [
  ['{"a":NaN}', true],
  ['{"a":"NaN"}', false],
  ['{"a":"\\"NaN"}', false],
  ['{"a":1}', false],
  ['Infinity', true],
  ['-Infinity', true],
  ['{"a":-1}', false],
];

for (const [text, found] of tokenCases) {
  t.equal(replaceNonFiniteTokens(text) !== undefined, found, `tokens in ${text}`);
}

t.test('a line made of 300k NaN tokens is repaired in linear time', async (t) => {
  const text = `{"a":[${Array.from({ length: 300_000 }, () => 'NaN').join(',')}]}`;
  const started = Date.now();
  const result = parseLenientJson(text);
  t.ok(Date.now() - started < 5000, 'well under 5 s');
  t.equal(result.ok && (result.value as { a: unknown[] }).a.length, 300_000);
  t.equal(result.ok && (result.value as { a: unknown[] }).a[299_999], null);
});
