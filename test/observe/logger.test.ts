// requestflow's own log: one JSON object per line, filtered by level, and a
// problem that repeats is logged once and then summarised with its count.
import t from 'tap';
import { Logger, type Level } from '../../src/observe/logger.js';

function capture(level: Level, summaryIntervalMs?: number) {
  const lines: string[] = [];
  const log = new Logger({ level, summaryIntervalMs, write: (l) => lines.push(l) });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, records };
}

t.test('JSON lines with time, level and message; below the level nothing', async (t) => {
  const rows: [Level, string[]][] = [
    ['debug', ['d', 'i', 'w', 'e']],
    ['info', ['i', 'w', 'e']],
    ['warn', ['w', 'e']],
    ['error', ['e']],
  ];
  for (const [level, want] of rows) {
    const { log, lines, records } = capture(level);
    log.debug('d', { n: 1 });
    log.info('i');
    log.warn('w');
    log.error('e', { input: '/x.log' });
    t.same(records().map((r) => r.msg), want, `level ${level}`);
    t.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')), 'one line each');
    for (const r of records()) t.match(r, { time: /^\d{4}-\d\d-\d\dT/, level: /^(debug|info|warn|error)$/ });
    t.equal(records().find((r) => r.msg === 'e')?.input, '/x.log', 'fields kept');
  }
});

t.test('a repeated problem: logged once, then one summary with the count', async (t) => {
  const { log, records } = capture('info', 60_000);
  for (let i = 1; i <= 5; i++) log.warnSummarised('record_rejected', { reason: 'invalid_span_id', n: i });
  log.warnSummarised('export_retry', { attempt: 1 });
  t.same(records().map((r) => r.msg), ['record_rejected', 'export_retry'], 'first of each at once');
  log.close();
  const summary = records().filter((r) => r.repeated !== undefined);
  t.same(summary, [{ time: summary[0]?.time, level: 'warn', msg: 'record_rejected', reason: 'invalid_span_id', n: 5, repeated: 4 }],
    'the other 4 in one line with the last fields; export_retry did not repeat');
});

t.test('another reason of the same problem is logged at once, and summarised apart', async (t) => {
  const { log, records } = capture('info', 60_000);
  log.warnSummarised('record_rejected', { reason: 'invalid_span_id' });
  log.warnSummarised('record_rejected', { reason: 'missing_tracking_id' });
  log.warnSummarised('record_rejected', { reason: 'invalid_span_id' });
  log.warnSummarised('record_rejected', { reason: 'missing_tracking_id' });
  log.warnSummarised('record_rejected', { reason: 'missing_tracking_id' });
  t.same(records().map((r) => [r.reason, r.repeated]), [['invalid_span_id', undefined], ['missing_tracking_id', undefined]]);
  log.close();
  t.same(records().slice(2).map((r) => [r.reason, r.repeated]), [['invalid_span_id', 1], ['missing_tracking_id', 2]]);
});

t.test('summaries come on their own every interval', async (t) => {
  const { log, records } = capture('info', 20);
  log.warnSummarised('follow_error', { input: 'a' });
  log.warnSummarised('follow_error', { input: 'a' });
  log.warnSummarised('follow_error', { input: 'a' });
  const deadline = Date.now() + 20_000;
  while (!records().some((r) => r.repeated === 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.equal(records().filter((r) => r.msg === 'follow_error').length, 2, 'first, then the summary');
  t.equal(records().at(-1)?.repeated, 2);
  log.close();
});
