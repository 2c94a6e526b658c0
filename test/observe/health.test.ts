import t from 'tap';
import { ExportHealth, liveness, readiness, type HealthFacts } from '../../src/observe/health.js';

const limits = { maxEventLoopLagMs: 1000, exportFailureBudgetMs: 60_000 };
const base: HealthFacts = { nowMs: 1_000_000, eventLoopLagMs: 3, started: true, stopping: false };

t.test('liveness: only a lagging event loop fails it', async (t) => {
  const rows: [string, Partial<HealthFacts>, boolean][] = [
    ['idle', {}, true],
    ['at the limit', { eventLoopLagMs: 1000 }, true],
    ['over the limit', { eventLoopLagMs: 1001 }, false],
    ['Zipkin down for an hour: still alive', { exportFailingSinceMs: base.nowMs - 3_600_000 }, true],
  ];
  for (const [name, facts, ok] of rows) t.equal(liveness({ ...base, ...facts }, limits).ok, ok, name);
});

t.test('readiness: started, not stopping, exports within their failure budget', async (t) => {
  const rows: [string, Partial<HealthFacts>, typeof limits, boolean, RegExp?][] = [
    ['running, exports fine', {}, limits, true],
    ['not started', { started: false }, limits, false, /pipeline not started/],
    ['stopping', { stopping: true }, limits, false, /stopping/],
    ['failing for 59 s', { exportFailingSinceMs: base.nowMs - 59_000 }, limits, true],
    ['failing for 60 s', { exportFailingSinceMs: base.nowMs - 60_000, lastExportError: 'ECONNREFUSED' }, limits, false, /failing for 60 s \(budget 60 s\): ECONNREFUSED/],
    ['budget 0: never for export failures', { exportFailingSinceMs: base.nowMs - 3_600_000 }, { ...limits, exportFailureBudgetMs: 0 }, true],
  ];
  for (const [name, facts, l, ok, reason] of rows) {
    const v = readiness({ ...base, ...facts }, l);
    t.equal(v.ok, ok, name);
    if (reason) t.match(v.reasons.join('; '), reason, `${name}: reason`);
  }
});

t.test('ExportHealth: failing since the first failure after a success', async (t) => {
  const h = new ExportHealth();
  h.record(false, 100, 'e1');
  h.record(false, 200, 'e2');
  t.equal(h.failingSinceMs, 100);
  t.equal(h.lastError, 'e2');
  h.record(true, 300);
  t.equal(h.failingSinceMs, undefined);
  h.record(false, 400, 'e3');
  t.equal(h.failingSinceMs, 400);
});
