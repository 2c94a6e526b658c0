// The start-up check that the bounded stores fit in V8's heap.
import t from 'tap';
import { heapBudgetWarning, worstCaseHeap } from '../../src/config/memory-budget.js';
import { loadConfig } from '../../src/config/load-config.js';

const MIB = 1024 * 1024;
const defaults = loadConfig({ env: {} });
// V8's heap_size_limit under NODE_OPTIONS=--max-old-space-size=64 (the Kubernetes manifest), Node 20 on 64-bit Linux.
const MANIFEST_HEAP_LIMIT = 112 * MIB;

t.test('the defaults fit the manifest heap; the bounds that crashed it do not', async (t) => {
  t.equal(heapBudgetWarning(defaults, MANIFEST_HEAP_LIMIT), undefined, 'defaults: no warning');
  // Found by test/e2e/open-span-flood.test.ts: with these, a flood of unended requests ran out of heap.
  const crashed = { ...defaults, assemble: { ...defaults.assemble, maxOpenSpans: 100_000, maxOpenSpanBytes: 64 * MIB } };
  const w = heapBudgetWarning(crashed, MANIFEST_HEAP_LIMIT);
  t.ok(w, 'warned');
  t.equal(w!.heapBudgetMiB, 56, 'half the heap limit');
  t.match(String(w!.hint), /assemble\.maxOpenSpans/, 'says which keys to lower');
  t.equal(heapBudgetWarning(crashed, 4096 * MIB), undefined, "fits Node's default heap on a large machine");
});

t.test('the open spans count whichever bound is reached first', async (t) => {
  const bySpans = worstCaseHeap({ ...defaults, assemble: { ...defaults.assemble, maxOpenSpans: 1000, maxOpenSpanBytes: 1 << 30 } });
  const byBytes = worstCaseHeap({ ...defaults, assemble: { ...defaults.assemble, maxOpenSpans: 1e9, maxOpenSpanBytes: MIB } });
  t.equal(bySpans.openSpans, 1000 * 1500);
  t.equal(byBytes.openSpans, 2 * MIB);
  const moreQueue = worstCaseHeap({ ...defaults, export: { ...defaults.export, maxQueuedSpans: defaults.export.maxQueuedSpans * 2 } });
  t.equal(moreQueue.total - worstCaseHeap(defaults).total, defaults.export.maxQueuedSpans * 1500, 'the queue adds per span');
});
