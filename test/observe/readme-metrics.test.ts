// The README's metric table lists exactly the metrics requestflow registers,
// and every metric its PromQL and troubleshooting tables name exists.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics } from 'prom-client';
import { Counters } from '../../src/observe/counters.js';
import { LabelLimiter } from '../../src/observe/label-limiter.js';
import { MetricsRegistry } from '../../src/observe/metrics-registry.js';
import { RequestMetrics } from '../../src/observe/request-metrics.js';
import { SelfMetrics } from '../../src/observe/self-metrics.js';
import { repoRoot } from '../support/requestflow-binary.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const ops = readme.slice(readme.indexOf('## Operating in Kubernetes'), readme.indexOf('## Releasing'));
const table = ops.slice(ops.indexOf('<!-- metric-names:start -->'), ops.indexOf('<!-- metric-names:end -->'));

const metrics = new MetricsRegistry();
const limiter = new LabelLimiter(10);
new SelfMetrics(metrics.registry, { counters: new Counters(), openSpans: () => 0, queuedSpans: () => 0 }, limiter);
new RequestMetrics(metrics.registry, [10, 100], limiter);
const ours = metrics.registry.getMetricsAsArray() as unknown as { name: string; type: string; labelNames?: string[] }[];
/** The name a scrape shows for a family: counters end in _total. */
const exposed = (m: { name: string; type: string }) => (m.type === 'counter' ? `${m.name.replace(/_total$/, '')}_total` : m.name);

t.test('the metric table is the registered set, with their types and labels', async (t) => {
  const rows = [...table.matchAll(/^\| `([a-z_]+)` \| (\w+) \|([a-z_, ]*)\|/gm)].map((m) => ({ name: m[1]!, type: m[2]!, labels: m[3]!.trim() }));
  t.same(rows.map((r) => r.name).sort(), ours.map(exposed).sort(), 'same names');
  for (const r of rows) {
    const m = ours.find((x) => exposed(x) === r.name);
    t.equal(m?.type, r.type, `${r.name}: type`);
    t.equal((m?.labelNames ?? []).join(', '), r.labels, `${r.name}: labels`);
  }
});

t.test('every metric the README queries exists', async (t) => {
  const families = new Set(ours.map(exposed));
  const all = new MetricsRegistry();
  collectDefaultMetrics({ register: all.registry });
  for (const m of all.registry.getMetricsAsArray() as unknown as { name: string; type: string }[]) families.add(exposed(m));
  const used = new Set([...ops.matchAll(/\b((?:requestflow|process|nodejs)_[a-z_]+)/g)].map((m) => m[1]!));
  t.ok(used.size > 20, `${used.size} names`);
  for (const name of used) {
    const family = name.replace(/_(bucket|count|sum)$/, '');
    t.ok(families.has(name) || families.has(family), name);
  }
});
