// kill -9 at random points while a writer process writes overlapping
// requests, then a restart each time: every request id arrives in Zipkin with
// all its spans, and no span id twice (a replay resends identical spans,
// which Zipkin stores once, and never a fragment of a span already sent).
import t from 'tap';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Daemon, followConfig, runWriter, tempDir, waitForExactTraces, writeLines } from '../support/follow-harness.js';
import { newRequestId, requestLines, spanCount } from '../support/request-lines.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

const REQUESTS = 1000;
const KILLS = 4;

t.test('kill -9 at random points while a writer runs, then restart: every request once, whole', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('kill9');
  t.teardown(tmp.remove);
  const service = `rf-kill9-${randomBytes(3).toString('hex')}`;
  const startS = Math.floor(Date.now() / 1000) - 600;
  const requests = Array.from({ length: REQUESTS }, (_, i) => ({ requestId: newRequestId(), service, startS: startS + i * 0.01, calls: 1, apps: 1 }));
  // Requests overlap: the next one starts before the previous one ends, so a
  // checkpoint always has an open span to hold back for.
  const perRequest = requests.map((r) => requestLines(r));
  const lines: string[] = [];
  for (let k = 0; k <= REQUESTS; k++) {
    if (k < REQUESTS) lines.push(...perRequest[k]!.slice(0, 3));
    if (k > 0) lines.push(...perRequest[k - 1]!.slice(3));
  }
  const src = join(tmp.dir, 'lines.txt');
  writeLines(src, lines);
  const log = join(tmp.dir, 'app.log');
  writeLines(log, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base, { export: { batchMaxSpans: 50 } }), [log]).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');

  let writing = true;
  const writer = runWriter(tmp.dir, [{ op: 'append', path: log, source: src, linesPerWrite: 20, pauseMs: 20 }]).finally(() => { writing = false; });
  const killedAt: number[] = [];
  for (let i = 0; i < KILLS && writing; i++) {
    await new Promise((r) => setTimeout(r, randomInt(300, 1500)));
    await daemon.kill9();
    killedAt.push(Date.now());
    daemon.start();
    await daemon.waitForLog('started', { count: i + 2 });
  }
  await writer;
  t.ok(killedAt.length >= 2, `killed ${killedAt.length} times while the writer ran`);
  const expected = new Map(requests.map((r) => [r.requestId, spanCount(r)]));
  await waitForExactTraces(base, service, expected, { timeoutMs: 120_000 });
  t.pass(`${REQUESTS} traces, each with its ${spanCount(requests[0]!)} spans, no span id twice`);
  t.equal(await daemon.stop(), 0);
  const resumed = daemon.logs('file_opened').filter((l) => l.resumed === true).length;
  t.equal(resumed, killedAt.length, 'every restart resumed from a checkpoint');
});
