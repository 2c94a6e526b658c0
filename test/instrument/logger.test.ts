import t from 'tap';
import { createInstrumentation, type InstrumentationOptions } from '../../src/instrument/index.js';
import { Capture, rawRequest, serve } from './harness.js';

const RID = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';

async function withRequest(t: { teardown(f: () => unknown): void }, opts: Partial<InstrumentationOptions>, work: (rf: ReturnType<typeof createInstrumentation>) => void) {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'catalog', output: cap, ...opts });
  const s = await serve(
    rf.wrapServer((_req, res) => {
      work(rf);
      res.end();
    }),
  );
  t.teardown(s.close);
  await rawRequest(s.url, { headers: { 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.5' } });
  return { cap, rf };
}

t.test('inside a request: category application with the request ids and levels', async (t) => {
  const { cap } = await withRequest(t, { environment: { name: 'prod', hostname: 'h1', datacenter: 'dc-east' } }, (rf) => {
    rf.log.info('resolved 12 items', { shelf: 'home' });
    rf.log.warn('slow');
    rf.log.error('failed', { err: new RangeError('bad range'), n: 1 });
    rf.log.debug('hidden at the default level');
  });
  const apps = (await cap.until((r) => r.some((x) => x.category === 'request_end'))).filter((r) => r.category === 'application');
  t.same(apps.map((r) => [r.levelname, r.message, r.tracking_id, r.span_id, r.service_name, r.name]), [
    ['INFO', 'resolved 12 items', RID, '1.5', 'catalog', 'catalog'],
    ['WARNING', 'slow', RID, '1.5', 'catalog', 'catalog'],
    ['ERROR', 'failed', RID, '1.5', 'catalog', 'catalog'],
  ]);
  t.same(apps[0].context, { shelf: 'home' });
  t.notOk('context' in apps[1], 'no context key without context');
  t.equal(apps[2].context.n, 1);
  t.equal(apps[2].context.err.msg, 'bad range');
  t.match(apps[2].context.err.traceback, /^RangeError: bad range\n/);
  t.same(apps[0].environment, { name: 'prod', hostname: 'h1', datacenter: 'dc-east' });
});

t.test('logLevel debug writes debug lines; logLevel error drops info and warn', async (t) => {
  const write = (rf: ReturnType<typeof createInstrumentation>) => {
    rf.log.debug('d');
    rf.log.info('i');
    rf.log.warn('w');
    rf.log.error('e');
  };
  const debug = await withRequest(t, { logLevel: 'debug' }, write);
  const error = await withRequest(t, { logLevel: 'error' }, write);
  const messages = async (cap: Capture) =>
    (await cap.until((r) => r.some((x) => x.category === 'request_end'))).filter((r) => r.category === 'application').map((r) => r.message);
  t.same(await messages(debug.cap), ['d', 'i', 'w', 'e']);
  t.same(await messages(error.cap), ['e']);
});

t.test('outside a request: no ids and no category', async (t) => {
  const cap = new Capture();
  const rf = createInstrumentation({ serviceName: 'catalog', output: cap });
  rf.log.info('starting up', { port: 80 });
  const [line] = await cap.until((r) => r.length === 1);
  t.same(Object.keys(line).sort(), ['context', 'human_timestamp', 'levelname', 'message', 'name', 'process', 'service_name', 'timestamp'].sort());
  t.equal(line.message, 'starting up');
  t.equal(line.process, process.pid);
});
