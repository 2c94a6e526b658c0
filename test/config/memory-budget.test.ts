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
  // Found by test/e2e/memory-bounds.test.ts: with these, a flood of unended requests ran out of heap.
  const crashed = { ...defaults, assemble: { ...defaults.assemble, maxOpenSpans: 100_000, maxOpenSpanBytes: 64 * MIB } };
  const w = heapBudgetWarning(crashed, MANIFEST_HEAP_LIMIT);
  t.ok(w, 'warned');
  t.equal(w!.heapBudgetMiB, 56, 'half the heap limit');
  t.match(String(w!.hint), /assemble\.maxOpenSpans/, 'says which keys to lower');
  t.equal(heapBudgetWarning(crashed, 4096 * MIB), undefined, "fits Node's default heap on a large machine");
});

t.test('each store counts both its bounds: raising either one alone warns', async (t) => {
  // Found by a trial: raising only one bound of a store crashed the daemon without a warning.
  const raised = [
    { assemble: { ...defaults.assemble, maxOpenSpans: 300_000 } },
    { assemble: { ...defaults.assemble, maxOpenSpanBytes: 1024 * MIB } },
    { export: { ...defaults.export, maxQueuedSpans: 100_000 } },
    { export: { ...defaults.export, maxQueuedBytes: 256 * MIB } },
  ];
  for (const r of raised) t.ok(heapBudgetWarning({ ...defaults, ...r }, MANIFEST_HEAP_LIMIT), `warned for ${JSON.stringify(Object.values(r)[0]).slice(0, 80)}`);
  const twiceTheSpans = worstCaseHeap({ ...defaults, assemble: { ...defaults.assemble, maxOpenSpans: defaults.assemble.maxOpenSpans * 2 } });
  t.ok(twiceTheSpans.openSpans > worstCaseHeap(defaults).openSpans, 'more open spans, more heap, whatever the byte bound');
  t.ok(worstCaseHeap(defaults).postBodies <= 4 * defaults.export.batchMaxBytes, 'POST bodies: at most the bodies in flight');
});
