import t from 'tap';
import { microsToSeconds, nowMicros } from '../../src/instrument/clock.js';

t.test('timestamps are wall-clock seconds with at most six decimals', async (t) => {
  const before = Date.now();
  const s = microsToSeconds(nowMicros());
  const after = Date.now();
  t.ok(s * 1000 >= before - 5 && s * 1000 <= after + 5, `${s} within [${before}, ${after}] ms`);
  t.match(String(s), /^\d{10}(\.\d{1,6})?$/);
  t.equal(microsToSeconds(1764511501214501), 1764511501.214501);
  t.equal(JSON.stringify(microsToSeconds(1764511501000010)), '1764511501.00001');
});

t.test('timestamps strictly increase, even within one microsecond', async (t) => {
  let prev = nowMicros();
  for (let i = 0; i < 10000; i++) {
    const cur = nowMicros();
    if (cur <= prev) {
      t.fail(`not increasing: ${prev} then ${cur}`);
      return;
    }
    prev = cur;
  }
  t.pass('10000 increasing readings');
});
