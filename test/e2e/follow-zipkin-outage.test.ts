// Zipkin stopped for 30 s while a writer process writes 1,000 requests, then
// started again on the same port: all 1,000 arrive, and requestflow's memory
// (VmRSS) stays under its bound throughout because reading pauses once the
// export queue is full: the log file is the buffer.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, startZipkin, type RunningZipkin } from '../../src/demo/zipkin-server.js';
import { Daemon, followConfig, runWriter, tempDir, waitForExactTraces, writeLines } from '../support/follow-harness.js';
import { newRequestId, requestLines, spanCount } from '../support/request-lines.js';
import { waitForTrace } from '../support/zipkin-api.js';

const REQUESTS = 1000;
const OUTAGE_MS = 30_000;
const MAX_QUEUED_SPANS = 200;
/**
 * Measured here: ~100 MiB at start (Node and the libraries), ~130 MiB while
 * Zipkin is down (the queue: 200 spans of ~50 KiB), peaks of ~140 MiB while
 * catching up; the ~60 MB written during the outage would not fit.
 */
const RSS_BOUND_BYTES = 160 * 1024 * 1024;
/** The V8 heap limit, as a Kubernetes deployment sets it (NODE_OPTIONS): without the pause, 60 MB of unread lines would not fit. */
const HEAP_LIMIT_MB = 64;

t.test('Zipkin down for 30 s while 1,000 requests are written: all arrive, memory stays bounded', async (t) => {
  const tmp = tempDir('outage');
  t.teardown(tmp.remove);
  const port = await freePort();
  let zipkin: RunningZipkin | undefined = await startZipkin({ port });
  t.teardown(() => zipkin?.stop());
  const base = zipkin.baseUrl;
  const service = `rf-outage-${randomBytes(3).toString('hex')}`;
  const startS = Math.floor(Date.now() / 1000) - 600;
  // 50 application lines of ~900 characters each: a span of ~50 KB of annotations.
  const pad = 'p'.repeat(900);
  const spec = (i: number) => ({ requestId: newRequestId(), service, startS: startS + i * 0.01, calls: 1, apps: 50 });
  const requests = Array.from({ length: REQUESTS }, (_, i) => spec(i));
  const src = join(tmp.dir, 'lines.txt');
  const perRequest = requests.map((r) => requestLines(r).map((l) => l.replace('"message":"', `"message":"${pad} `)));
  writeLines(src, perRequest.flat());
  const warmup = spec(-1);
  const warmupSrc = join(tmp.dir, 'warmup.txt');
  writeLines(warmupSrc, requestLines(warmup));

  const log = join(tmp.dir, 'app.log');
  writeLines(log, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base, {
    export: { maxQueuedSpans: MAX_QUEUED_SPANS, batchMaxSpans: 100, retryMaxMs: 2000 },
  }), [log], { NODE_OPTIONS: `--max-old-space-size=${HEAP_LIMIT_MB}` }).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');
  let maxRss = 0;
  const series: string[] = [];
  const t00 = Date.now();
  const sampler = setInterval(() => { try { const r = daemon.rssBytes(); series.push(`${((Date.now() - t00) / 1000).toFixed(1)}:${(r / 1048576).toFixed(0)}`); maxRss = Math.max(maxRss, r); } catch { /* exited */ } }, 1000);
  t.teardown(() => clearInterval(sampler));

  await runWriter(tmp.dir, [{ op: 'append', path: log, source: warmupSrc }], 'warmup');
  await waitForTrace(base, warmup.requestId, { minSpans: spanCount(warmup), timeoutMs: 30_000 });
  await zipkin.stop();
  zipkin = undefined;
  const downAt = Date.now();

  const linesPerWrite = perRequest[0]!.length * 10;
  await runWriter(tmp.dir, [{ op: 'append', path: log, source: src, linesPerWrite, pauseMs: 200 }]);
  await daemon.waitForLog('reading_paused', { timeoutMs: 30_000 });
  t.pass('reading paused while Zipkin was down and the queue was full');
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
  zipkin = await startZipkin({ port });

  // Delivery keeps file order: once the last request is in, the exact check has little left to wait for.
  const last = requests[REQUESTS - 1]!;
  await waitForTrace(zipkin.baseUrl, last.requestId, { minSpans: spanCount(last), timeoutMs: 150_000, intervalMs: 500 });
  const expected = new Map(requests.map((r) => [r.requestId, spanCount(r)]));
  await waitForExactTraces(zipkin.baseUrl, service, expected, { timeoutMs: 60_000 });
  t.pass(`all ${REQUESTS} requests arrived after the outage`);
  clearInterval(sampler);
  t.comment(`RSS ${series.join(' ')} downAt ${(downAt - t00) / 1000}`);
  t.ok(maxRss > 0 && maxRss < RSS_BOUND_BYTES, `peak RSS ${(maxRss / 1048576).toFixed(1)} MiB < ${RSS_BOUND_BYTES / 1048576} MiB`);
  t.equal(await daemon.stop(), 0);
});
