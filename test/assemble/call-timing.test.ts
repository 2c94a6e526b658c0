// Where a SERVER span's time went, on plain intervals (µs). Expected numbers
// are worked out by hand from each row's intervals.
import t from 'tap';
import { callTiming, sequentialRuns, unionLengthUs, type CallInterval } from '../../src/assemble/call-timing.js';

const c = (callee: string, startUs: number, endUs: number): CallInterval => ({ callee, startUs, endUs });

t.test('unionLengthUs', async (t) => {
  const cases: Array<[name: string, calls: CallInterval[], fromUs: number, toUs: number, expected: number]> = [
    ['none', [], 0, 100, 0],
    ['one inside', [c('a', 10, 30)], 0, 100, 20],
    ['two apart', [c('a', 10, 20), c('b', 30, 45)], 0, 100, 25],
    ['touching', [c('a', 10, 20), c('b', 20, 30)], 0, 100, 20],
    ['overlapping', [c('a', 10, 30), c('b', 20, 40)], 0, 100, 30],
    ['one inside another', [c('a', 10, 50), c('b', 20, 30)], 0, 100, 40],
    ['unsorted', [c('a', 60, 70), c('b', 10, 20), c('c', 15, 25)], 0, 100, 25],
    ['clipped at the start', [c('a', -10, 10)], 0, 100, 10],
    ['clipped at the end', [c('a', 90, 120)], 0, 100, 10],
    ['entirely outside', [c('a', 110, 120), c('b', -20, -10)], 0, 100, 0],
    ['empty and reversed intervals count nothing', [c('a', 10, 10), c('b', 30, 20)], 0, 100, 0],
    ['covering the whole span', [c('a', -5, 105)], 0, 100, 100],
    ['a chain of overlaps', [c('a', 0, 10), c('b', 5, 15), c('c', 14, 30), c('d', 40, 41)], 0, 100, 31],
  ];
  for (const [name, calls, fromUs, toUs, expected] of cases) t.equal(unionLengthUs(calls, fromUs, toUs), expected, name);
});

t.test('sequentialRuns', async (t) => {
  const cases: Array<[name: string, calls: CallInterval[], expected: { callee: string; count: number; totalUs: number; savingUs: number }[]]> = [
    ['none', [], []],
    ['a single call is no run', [c('cache', 0, 5)], []],
    ['two one after another', [c('cache', 0, 5), c('cache', 5, 8)],
      [{ callee: 'cache', count: 2, totalUs: 8, savingUs: 3 }]],
    ['five sequential gets (the >p99 pattern)', [c('cache', 0, 5), c('cache', 6, 11), c('cache', 12, 17), c('cache', 18, 23), c('cache', 24, 29)],
      [{ callee: 'cache', count: 5, totalUs: 25, savingUs: 20 }]],
    ['parallel calls are not sequential', [c('db', 0, 30), c('db', 10, 20)], []],
    ['started before the previous ended: parallel', [c('db', 0, 10), c('db', 9, 20)], []],
    ['different callees are no run', [c('a', 0, 5), c('b', 6, 10)], []],
    ['given out of order', [c('cache', 20, 24), c('cache', 0, 6), c('cache', 10, 15)],
      [{ callee: 'cache', count: 3, totalUs: 15, savingUs: 9 }]],
    // The overlapping pair ran in parallel; the single calls either side of it make no run.
    ['an overlapping pair leaves no run', [c('k', 0, 4), c('k', 5, 9), c('k', 8, 12), c('k', 13, 20)], []],
    ['an overlapping pair splits two runs', [c('k', 0, 4), c('k', 5, 9), c('k', 10, 14), c('k', 13, 16), c('k', 17, 20), c('k', 21, 30)],
      [{ callee: 'k', count: 2, totalUs: 8, savingUs: 4 }, { callee: 'k', count: 2, totalUs: 12, savingUs: 3 }]],
    ['runs sorted by saving, largest first', [c('small', 0, 2), c('small', 3, 5), c('big', 0, 10), c('big', 11, 21), c('big', 22, 25)],
      [{ callee: 'big', count: 3, totalUs: 23, savingUs: 13 }, { callee: 'small', count: 2, totalUs: 4, savingUs: 2 }]],
    ['another callee in between does not break a run', [c('cache', 0, 5), c('db', 5, 7), c('cache', 7, 10)],
      [{ callee: 'cache', count: 2, totalUs: 8, savingUs: 3 }]],
  ];
  for (const [name, calls, expected] of cases) {
    const runs = sequentialRuns(calls).map(({ callee, count, totalUs, savingUs }) => ({ callee, count, totalUs, savingUs }));
    t.strictSame(runs, expected, name);
  }
});

t.test('callTiming', async (t) => {
  type Expected = Omit<ReturnType<typeof callTiming>, 'sequential' | 'parallel'> & { sequential: { callee: string; count: number; totalUs: number; savingUs: number }[] };
  const cases: Array<[name: string, startUs: number, endUs: number, calls: CallInterval[], expected: Expected]> = [
    ['no calls: all own time', 0, 100, [], { callsUs: 0, selfUs: 100, callees: [], sequential: [] }],
    ['one call', 0, 100, [c('db', 10, 40)],
      { callsUs: 30, selfUs: 70, callees: [{ callee: 'db', count: 1, totalUs: 30 }], sequential: [] }],
    ['parallel calls count once in calls time, fully in their callee totals', 0, 100, [c('db', 10, 50), c('db', 20, 40), c('cache', 60, 65)],
      { callsUs: 45, selfUs: 55, callees: [{ callee: 'db', count: 2, totalUs: 60 }, { callee: 'cache', count: 1, totalUs: 5 }], sequential: [] }],
    ['calls beyond the span (clock skew) are clipped; own time never negative', 50, 60, [c('db', 0, 100)],
      { callsUs: 10, selfUs: 0, callees: [{ callee: 'db', count: 1, totalUs: 100 }], sequential: [] }],
    ['sequential calls', 0, 1000, [c('cache', 100, 150), c('cache', 200, 260), c('cache', 300, 340)],
      { callsUs: 150, selfUs: 850, callees: [{ callee: 'cache', count: 3, totalUs: 150 }],
        sequential: [{ callee: 'cache', count: 3, totalUs: 150, savingUs: 90 }] }],
  ];
  // Parallel groups are checked in the rows below.
  for (const [name, startUs, endUs, calls, expected] of cases) {
    const { callsUs, selfUs, callees, sequential } = callTiming(startUs, endUs, calls);
    const runs = sequential.map(({ callee, count, totalUs, savingUs }) => ({ callee, count, totalUs, savingUs }));
    t.strictSame({ callsUs, selfUs, callees, sequential: runs }, expected, name);
  }
});

// Sequential runs and parallel groups together (the calls.sequential and
// calls.parallel tags), in ms for readability.
const ms = (callee: string, startMs: number, endMs: number): CallInterval => ({ callee, startUs: startMs * 1000, endUs: endMs * 1000 });

const rows: { name: string; calls: CallInterval[]; selfMs: number; callsMs: number; sequential: [string, number, number, number][]; parallel: string[][] }[] = [
  { name: 'five single gets one after another: one run, saving = total minus the longest',
    calls: [ms('cache', 0, 2), ms('cache', 3, 5), ms('cache', 6, 8), ms('cache', 9, 11), ms('cache', 12, 16)],
    selfMs: 100 - 12, callsMs: 12, sequential: [['cache', 5, 12, 8]], parallel: [] },
  { name: 'calls that touch (one ends as the next starts) are sequential',
    calls: [ms('db', 10, 20), ms('db', 20, 30)], selfMs: 80, callsMs: 20, sequential: [['db', 2, 20, 10]], parallel: [] },
  { name: 'overlapping calls to one callee are parallel, not a run',
    calls: [ms('db', 10, 30), ms('db', 15, 35)], selfMs: 75, callsMs: 25, sequential: [], parallel: [['db', 'db']] },
  { name: 'a parallel pair between single calls splits the run',
    calls: [ms('db', 0, 5), ms('db', 6, 10), ms('db', 20, 30), ms('db', 22, 28), ms('db', 40, 45), ms('db', 50, 52)],
    selfMs: 100 - 26, callsMs: 26, sequential: [['db', 2, 9, 4], ['db', 2, 7, 2]], parallel: [['db', 'db']] },
  { name: 'calls to other callees in between do not break a run',
    calls: [ms('cache', 0, 3), ms('db', 4, 10), ms('cache', 11, 14)], selfMs: 88, callsMs: 12, sequential: [['cache', 2, 6, 3]], parallel: [] },
  { name: 'different callees in parallel count once in time in calls',
    calls: [ms('recs', 10, 40), ms('cache', 10, 18)], selfMs: 70, callsMs: 30, sequential: [], parallel: [['cache', 'recs']] },
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
