// Own time, time in calls, sequential runs and parallel groups of one span's
// calls (what the sidecar writes as time.* and calls.* tags), on plain data.
import t from 'tap';
import { callTiming, type CallInterval } from '../../src/assemble/call-timing.js';

const c = (callee: string, startMs: number, endMs: number): CallInterval => ({ callee, startUs: startMs * 1000, endUs: endMs * 1000 });

const rows: { name: string; calls: CallInterval[]; selfMs: number; callsMs: number; sequential: [string, number, number, number][]; parallel: string[][] }[] = [
  { name: 'five single gets one after another: one run, saving = total minus the longest',
    calls: [c('cache', 0, 2), c('cache', 3, 5), c('cache', 6, 8), c('cache', 9, 11), c('cache', 12, 16)],
    selfMs: 100 - 12, callsMs: 12, sequential: [['cache', 5, 12, 8]], parallel: [] },
  { name: 'calls that touch (one ends as the next starts) are sequential',
    calls: [c('db', 10, 20), c('db', 20, 30)], selfMs: 80, callsMs: 20, sequential: [['db', 2, 20, 10]], parallel: [] },
  { name: 'overlapping calls to one callee are parallel, not a run',
    calls: [c('db', 10, 30), c('db', 15, 35)], selfMs: 75, callsMs: 25, sequential: [], parallel: [['db', 'db']] },
  { name: 'a parallel pair between single calls splits the run',
    calls: [c('db', 0, 5), c('db', 6, 10), c('db', 20, 30), c('db', 22, 28), c('db', 40, 45), c('db', 50, 52)],
    selfMs: 100 - 26, callsMs: 26, sequential: [['db', 2, 9, 4], ['db', 2, 7, 2]], parallel: [['db', 'db']] },
  { name: 'calls to other callees in between do not break a run',
    calls: [c('cache', 0, 3), c('db', 4, 10), c('cache', 11, 14)], selfMs: 88, callsMs: 12, sequential: [['cache', 2, 6, 3]], parallel: [] },
  { name: 'different callees in parallel count once in time in calls',
    calls: [c('recs', 10, 40), c('cache', 10, 18)], selfMs: 70, callsMs: 30, sequential: [], parallel: [['cache', 'recs']] },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const timing = callTiming(0, 100_000, row.calls);
    t.equal(timing.selfUs, row.selfMs * 1000, 'own time');
    t.equal(timing.callsUs, row.callsMs * 1000, 'time in calls (union)');
    t.same(timing.sequential.map((r) => [r.callee, r.count, r.totalUs / 1000, r.savingUs / 1000]).sort(), [...row.sequential].sort(),
      'sequential runs: callee, count, total ms, saving ms');
    t.same(timing.parallel.map((g) => g.callees), row.parallel, 'parallel groups');
  });
}
