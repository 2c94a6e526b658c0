import t from 'tap';
import { toTimeUs, type TimestampUnit } from '../../src/decode/timestamp.js';

type Expected =
  | { timeUs: number; unit: TimestampUnit; fromString: boolean }
  | 'missing_timestamp'
  | 'invalid_timestamp';

const cases: Array<[input: unknown, expected: Expected]> = [
  // seconds, as services write them
  [1764511620.1002, { timeUs: 1764511620100200, unit: 's', fromString: false }],
  [1764511501.214501, { timeUs: 1764511501214501, unit: 's', fromString: false }],
  [1764511700.5124, { timeUs: 1764511700512400, unit: 's', fromString: false }],
  [1764511620.17005, { timeUs: 1764511620170050, unit: 's', fromString: false }],
  [1764511620.000001, { timeUs: 1764511620000001, unit: 's', fromString: false }],
  [1764511620.999999, { timeUs: 1764511620999999, unit: 's', fromString: false }],
  [1764511620, { timeUs: 1764511620000000, unit: 's', fromString: false }],
  [1e9, { timeUs: 1000000000000000, unit: 's', fromString: false }],
  [4294967295.999999, { timeUs: 4294967295999999, unit: 's', fromString: false }],
  // milliseconds and microseconds
  [1764511620100, { timeUs: 1764511620100000, unit: 'ms', fromString: false }],
  [1764511620100.5, { timeUs: 1764511620100500, unit: 'ms', fromString: false }],
  [1764511620100200, { timeUs: 1764511620100200, unit: 'us', fromString: false }],
  // strings
  ['1764511620.1002', { timeUs: 1764511620100200, unit: 's', fromString: true }],
  ['1764511620', { timeUs: 1764511620000000, unit: 's', fromString: true }],
  ['1764511620.1234564', { timeUs: 1764511620123456, unit: 's', fromString: true }],
  ['1764511620.1234565', { timeUs: 1764511620123457, unit: 's', fromString: true }],
  ['1764511620.9999995', { timeUs: 1764511621000000, unit: 's', fromString: true }],
  ['01764511620.5', { timeUs: 1764511620500000, unit: 's', fromString: true }],
  ['1764511620100', { timeUs: 1764511620100000, unit: 'ms', fromString: true }],
  ['1764511620100.25', { timeUs: 1764511620100250, unit: 'ms', fromString: true }],
  ['1764511620100200', { timeUs: 1764511620100200, unit: 'us', fromString: true }],
  // missing
  [undefined, 'missing_timestamp'],
  [null, 'missing_timestamp'],
  ['', 'missing_timestamp'],
  // invalid: wrong type
  [true, 'invalid_timestamp'],
  [false, 'invalid_timestamp'],
  [{}, 'invalid_timestamp'],
  [[1764511620], 'invalid_timestamp'],
  // invalid: not finite
  [Number.NaN, 'invalid_timestamp'],
  [Number.POSITIVE_INFINITY, 'invalid_timestamp'],
  [Number.NEGATIVE_INFINITY, 'invalid_timestamp'],
  // invalid: implausible magnitude
  [0, 'invalid_timestamp'],
  [-1764511620.1, 'invalid_timestamp'],
  [999999999.999999, 'invalid_timestamp'],
  [4294967296, 'invalid_timestamp'],
  [5e10, 'invalid_timestamp'],
  [999999999999, 'invalid_timestamp'],
  [5e12, 'invalid_timestamp'],
  [5e15, 'invalid_timestamp'],
  [1e20, 'invalid_timestamp'],
  // invalid: strings that are not plain decimals
  ['abc', 'invalid_timestamp'],
  [' 1764511620', 'invalid_timestamp'],
  ['1764511620 ', 'invalid_timestamp'],
  ['-1764511620', 'invalid_timestamp'],
  ['+1764511620', 'invalid_timestamp'],
  ['1.7645116201002e9', 'invalid_timestamp'],
  ['.5', 'invalid_timestamp'],
  ['1764511620.', 'invalid_timestamp'],
  ['1764511620.1.2', 'invalid_timestamp'],
  ['NaN', 'invalid_timestamp'],
  ['42', 'invalid_timestamp'],
  ['00000000000000001764511620', 'invalid_timestamp'],
  ['2025-11-30T14:07:00Z', 'invalid_timestamp'],
];

for (const [input, expected] of cases) {
  const name = `toTimeUs(${typeof input === 'string' ? JSON.stringify(input) : String(input)})`;
  const result = toTimeUs(input);
  if (typeof expected === 'string') {
    t.match(result, { ok: false, reason: expected }, name);
    if (!result.ok) t.ok(result.detail.length > 0 && result.detail.length < 120, `${name} has a short detail`);
  } else {
    t.strictSame(result, { ok: true, ...expected }, name);
  }
}

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Python-like decimal text: 6 digits at most, trailing zeros dropped. */
function secondsText(seconds: number, micros: number): string {
  const fraction = String(micros).padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? String(seconds) : `${seconds}.${fraction}`;
}

t.test('every 6-decimal time in range comes back to the exact microsecond', async (t) => {
  const random = mulberry32(20261130);
  let wrong = 0;
  const firstWrong: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    const seconds = 1_000_000_000 + Math.floor(random() * (4294967296 - 1_000_000_000));
    const micros = Math.floor(random() * 1_000_000);
    const text = secondsText(seconds, micros);
    const expected = seconds * 1_000_000 + micros;
    for (const input of [JSON.parse(text) as number, text]) {
      const result = toTimeUs(input);
      if (!result.ok || result.timeUs !== expected) {
        wrong++;
        if (firstWrong.length < 5) firstWrong.push(`${JSON.stringify(input)} -> ${JSON.stringify(result)}`);
      }
    }
  }
  t.equal(wrong, 0, firstWrong.join('; '));
});

t.test('every 3-decimal millisecond time comes back to the exact microsecond', async (t) => {
  const random = mulberry32(7);
  let wrong = 0;
  for (let i = 0; i < 100_000; i++) {
    const millis = 1_000_000_000_000 + Math.floor(random() * (4294967296000 - 1_000_000_000_000));
    const micros = Math.floor(random() * 1000);
    const fraction = String(micros).padStart(3, '0').replace(/0+$/, '');
    const text = fraction === '' ? String(millis) : `${millis}.${fraction}`;
    const result = toTimeUs(JSON.parse(text) as number);
    if (!result.ok || result.timeUs !== millis * 1000 + micros) wrong++;
  }
  t.equal(wrong, 0);
});
