import t from 'tap';
import { EventLog } from '../../src/instrument/event-log.js';
import { LineOutput } from '../../src/instrument/line-output.js';
import { MAX_EVENTS_PER_AGGREGATED_LINE, resolveOptions, type OutputMode } from '../../src/instrument/options.js';
import { RequestState } from '../../src/instrument/request-context.js';
import { Capture } from './harness.js';

const RID = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';

function setup(mode: OutputMode, logging = true) {
  const cap = new Capture();
  const options = resolveOptions({ serviceName: 'svc', output: cap, mode, logging });
  const out = new LineOutput(cap);
  const log = new EventLog(options, out);
  const state = new RequestState(RID, '1.4', mode === 'aggregated' && logging);
  // The lines handed to the output so far (LineOutput gathers them per event-loop turn).
  const written = () => {
    out.flush();
    return cap.records();
  };
  return { cap, log, state, written };
}

t.test('flat: one line per event, at once, with the request ids', async (t) => {
  const { log, state, written } = setup('flat');
  log.event(state, 'dependency_start', { dependency_span_id: '1.4.1' }, 'INFO', 1764511501214501);
  const [{ human_timestamp, process: pid, ...r }] = written();
  t.equal(pid, process.pid);
  t.same(
    r,
    { levelname: 'INFO', name: 'requestflow.instrument', message: null, category: 'dependency_start', service_name: 'svc', tracking_id: RID, timestamp: 1764511501.214501, span_id: '1.4', context: { dependency_span_id: '1.4.1' } },
  );
  t.equal(human_timestamp, '2025-11-30T14:05:01.214Z');
});

t.test('aggregated: nothing until the request ends, then one line; late events go out flat', async (t) => {
  const { log, state, written } = setup('aggregated');
  log.event(state, 'request_start', { a: 1 }, 'INFO', 1_000_000_000_000_001);
  log.event(state, 'dependency_end', { b: 2 }, 'WARNING', 1_000_000_000_000_002);
  log.event(state, 'request_end', { c: 3 }, 'INFO', 1_000_000_000_000_003);
  t.same(written(), []);
  log.endRequest(state);
  log.event(state, 'dependency_end', { late: true }, 'INFO', 1_000_000_000_000_004);
  const recs = written();
  t.same(recs.map((r) => [r.category, r.levelname, r.timestamp]), [
    ['aggregated', 'WARNING', 1000000000.000003],
    ['dependency_end', 'INFO', 1000000000.000004],
  ]);
  t.same(recs[0].context.events, [
    { category: 'request_start', timestamp: 1000000000.000001, context: { a: 1 } },
    { category: 'dependency_end', timestamp: 1000000000.000002, context: { b: 2 } },
    { category: 'request_end', timestamp: 1000000000.000003, context: { c: 3 } },
  ]);
});

t.test('aggregated: a long request is written in parts of bounded size', async (t) => {
  const { log, state, written } = setup('aggregated');
  const total = MAX_EVENTS_PER_AGGREGATED_LINE + 3;
  for (let i = 0; i < total; i++) log.event(state, 'dependency_start', { i });
  t.equal(written().length, 1, 'a full part is written before the request ends');
  log.endRequest(state);
  const recs = written();
  t.same(recs.map((r) => r.context.events.length), [MAX_EVENTS_PER_AGGREGATED_LINE, 3]);
  t.same(recs.flatMap((r) => r.context.events.map((e: { context: { i: number } }) => e.context.i)), Array.from({ length: total }, (_, i) => i));
});

t.test('logging off: nothing written in either mode', async (t) => {
  for (const mode of ['flat', 'aggregated'] as const) {
    const { log, state, written } = setup(mode, false);
    log.event(state, 'request_start', {});
    log.application(state, 'ERROR', 'svc', 'm');
    log.endRequest(state);
    t.same(written(), [], mode);
  }
});
