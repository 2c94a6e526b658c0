import t from 'tap';
import { isSpanPath, parentSpanPath } from '../../src/decode/span-path.js';

const spanPathCases: Array<[input: string, valid: boolean]> = [
  ['1', true],
  ['1.2', true],
  ['1.2.10', true],
  ['10.20.30.40.50', true],
  ['0', true],
  ['1.0', true],
  ['', false],
  ['.', false],
  ['.1', false],
  ['1.', false],
  ['1..2', false],
  ['01', false],
  ['1.02', false],
  ['00', false],
  ['1.2a', false],
  ['a', false],
  [' 1', false],
  ['1 ', false],
  ['-1', false],
  ['1,2', false],
  ['1.2.3.', false],
  ['١', false], // Arabic-Indic digit one: decimal only means ASCII
];

for (const [input, valid] of spanPathCases) {
  t.equal(isSpanPath(input), valid, `isSpanPath(${JSON.stringify(input)})`);
}

const parentCases: Array<[path: string, parent: string | undefined]> = [
  ['1', undefined],
  ['1.2', '1'],
  ['1.2.3', '1.2'],
  ['1.2.10', '1.2'],
  ['12.34', '12'],
];

for (const [path, parent] of parentCases) {
  t.equal(parentSpanPath(path), parent, `parentSpanPath(${JSON.stringify(path)})`);
}

t.test('a very deep path (200k parts) is accepted and cut at its last dot', async (t) => {
  const deep = Array.from({ length: 200_000 }, () => '7').join('.');
  t.equal(isSpanPath(deep), true);
  t.equal(parentSpanPath(deep), deep.slice(0, -2));
});
