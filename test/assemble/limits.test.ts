// cut(): values longer than the limit end in the marker and are exactly the
// limit long; onCut is called once per cut value, never for one that fits.
import t from 'tap';
import { cut, TRUNCATION_MARKER } from '../../src/assemble/limits.js';

t.test('the marker', async (t) => {
  t.equal(TRUNCATION_MARKER, '…[truncated]');
  t.equal(TRUNCATION_MARKER.length, 12);
});

t.test('cut', async (t) => {
  const cases: Array<[name: string, value: string, max: number, expected: string]> = [
    ['empty', '', 64, ''],
    ['shorter', 'abc', 64, 'abc'],
    ['exactly the limit', 'a'.repeat(64), 64, 'a'.repeat(64)],
    ['one over', 'a'.repeat(65), 64, `${'a'.repeat(52)}…[truncated]`],
    ['far over', 'b'.repeat(1 << 20), 64, `${'b'.repeat(52)}…[truncated]`],
    ['keeps the start', `start-${'x'.repeat(100)}-end`, 20, 'start-xx…[truncated]'],
    ['a limit as long as the marker keeps only the marker', 'a'.repeat(13), 12, '…[truncated]'],
    ['non-ASCII counted in characters (UTF-16 units)', 'é'.repeat(70), 64, `${'é'.repeat(52)}…[truncated]`],
    // A cut inside a surrogate pair would leave half a character (Zipkin stores it as '?').
    ['never half an emoji', `a${'😀'.repeat(40)}`, 64, `a${'😀'.repeat(25)}…[truncated]`],
    ['an emoji ending right at the cut is kept', '😀'.repeat(40), 64, `${'😀'.repeat(26)}…[truncated]`],
  ];
  for (const [name, value, max, expected] of cases) {
    let calls = 0;
    const result = cut(value, max, () => calls++);
    t.equal(result, expected, name);
    t.equal(calls, value.length > max ? 1 : 0, `${name}: counted once when cut`);
    if (value.length > max && max >= TRUNCATION_MARKER.length) t.ok(result.length === max || result.length === max - 1, `${name}: ${max} long (one less rather than half a character)`);
    t.notOk(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(result), `${name}: no lone surrogate`);
  }
});
