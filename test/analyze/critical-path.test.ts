// The critical path on plain spans: parallel calls count once (the one that
// finished last), sequential calls each count, gaps are the span's own work.
import t from 'tap';
import { criticalPath, criticalSteps } from '../../src/analyze/critical-path.js';
import { buildTraceTree } from '../../src/analyze/trace-tree.js';
import type { ZipkinSpan } from '../../src/analyze/zipkin-span.js';

const T0 = 1_800_000_000_000_000;
const call = (id: string, callee: string, startUs: number, durationUs: number): ZipkinSpan => ({
  traceId: 'b'.repeat(32), id: id.padStart(16, '0'), parentId: '1'.padStart(16, '0'), kind: 'CLIENT', name: callee,
  timestamp: T0 + startUs, duration: durationUs, localEndpoint: { serviceName: 'api' }, remoteEndpoint: { serviceName: callee },
});
const root: ZipkinSpan = { traceId: 'b'.repeat(32), id: '1'.padStart(16, '0'), kind: 'SERVER', name: 'get /', timestamp: T0, duration: 100_000, localEndpoint: { serviceName: 'api' } };

const rows = [
  { name: 'parallel: only the longer call is on the path', calls: [call('2', 'cache', 10_000, 20_000), call('3', 'db', 10_000, 50_000)],
    path: { api: 50_000, db: 50_000 } },
  { name: 'sequential: both calls are on the path', calls: [call('2', 'cache', 10_000, 20_000), call('3', 'db', 40_000, 50_000)],
    path: { api: 30_000, cache: 20_000, db: 50_000 } },
  { name: 'overlapping: the earlier call counts until the later one starts', calls: [call('2', 'cache', 10_000, 40_000), call('3', 'db', 30_000, 50_000)],
    path: { api: 30_000, cache: 20_000, db: 50_000 } },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const tree = buildTraceTree([root, ...row.calls]);
    const steps = criticalSteps(criticalPath(tree.roots[0]!));
    const byCallee: Record<string, number> = {};
    for (const s of steps) {
      const who = s.node.kind === 'CLIENT' ? s.node.remoteService! : s.node.service;
      byCallee[who] = (byCallee[who] ?? 0) + s.us;
    }
    t.same(byCallee, row.path);
    t.equal(Object.values(byCallee).reduce((a, b) => a + b, 0), 100_000, 'the path covers the whole span');
  });
}
