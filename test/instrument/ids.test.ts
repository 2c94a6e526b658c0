import t from 'tap';
import { newRequestId, normaliseRequestId, spanPathOrRoot } from '../../src/instrument/ids.js';

t.test('request id: accepted forms are normalised to 32 lowercase hex', async (t) => {
  const rows: [string | string[] | undefined, string | undefined][] = [
    ['5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50'],
    ['5F1C0E2A9B7D4C3E8A6F0B1D2C3E4F50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50'],
    ['5f1c0e2a-9b7d-4c3e-8a6f-0b1d2c3e4f50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50'],
    ['5F1C0E2A-9B7D-4C3E-8A6F-0B1D2C3E4F50', '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50'],
    // not v4: existing services send such ids (see the request-end-variants fixture)
    ['c4d5e6f708192a3b4c5d6e7f80910a1b', 'c4d5e6f708192a3b4c5d6e7f80910a1b'],
    [['0a9e8d7c6b5a49382716f5e4d3c2b1a0'], '0a9e8d7c6b5a49382716f5e4d3c2b1a0'],
    [undefined, undefined],
    ['', undefined],
    ['not-a-uuid', undefined],
    ['5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f5', undefined], // 31 chars
    ['5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f500', undefined], // 33 chars
    ['5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f5g', undefined],
    ['5f1c0e2a-9b7d4c3e-8a6f-0b1d2c3e4f50', undefined], // dashes in the wrong places
    [' 5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50', undefined],
    ['5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50, 0a9e8d7c6b5a49382716f5e4d3c2b1a0', undefined], // header sent twice
  ];
  for (const [input, expected] of rows) t.equal(normaliseRequestId(input), expected, JSON.stringify(input));
});

t.test('new request ids are 32 lowercase hex and differ', async (t) => {
  const ids = new Set(Array.from({ length: 100 }, newRequestId));
  t.equal(ids.size, 100);
  for (const id of ids) t.match(id, /^[0-9a-f]{32}$/);
});

t.test('span path: valid dotted decimal kept, anything else is "1"', async (t) => {
  const deep = Array(64).fill('3').join('.');
  const rows: [string | string[] | undefined, string][] = [
    ['1', '1'],
    ['1.2', '1.2'],
    ['1.2.10', '1.2.10'],
    ['2', '2'],
    [deep, deep],
    [deep + '.1', '1'], // 65 levels
    ['1.1234567890', '1'], // 10 digits
    [undefined, '1'],
    ['', '1'],
    ['1.', '1'],
    ['.1', '1'],
    ['1..2', '1'],
    ['1.x', '1'],
    ['0', '1'],
    ['1.0', '1'],
    ['1.02', '1'],
    ['-1', '1'],
    [' 1.2', '1'],
    [['1.4'], '1.4'],
  ];
  for (const [input, expected] of rows) t.equal(spanPathOrRoot(input), expected, JSON.stringify(input));
});
