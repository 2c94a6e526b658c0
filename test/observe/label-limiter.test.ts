import t from 'tap';
import { LabelLimiter, OTHER } from '../../src/observe/label-limiter.js';

t.test('each label keeps its first N values; later ones are "other", counted', async (t) => {
  const l = new LabelLimiter(2);
  const seen = ['a', 'b', 'c', 'a', 'd', 'b', 'c'].map((v) => l.value('endpoint', v));
  t.same(seen, ['a', 'b', OTHER, 'a', OTHER, 'b', OTHER]);
  t.equal(l.overflowCounts().get('endpoint'), 2, 'c and d (c twice counts once)');
  t.equal(l.value('callee', 'x'), 'x', 'labels have separate budgets');
  t.equal(l.overflowCounts().get('callee'), undefined);
});
