// Kubernetes mode with the real binary: CRI lines under
// <logRoot>/<namespace>_<pod>_<uid>/<container>/, 200,000 lines written at
// full speed by a writer process, a kubelet-style rotation after 100,000
// (rename 0.log to 0.log.<timestamp>, reopen 0.log, later gzip the rotated
// copy) while the reader is behind, then a container restart (1.log).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, followConfig, runWriter, tempDir, waitForExactTraces, writeLines } from '../support/follow-harness.js';
import { appMessage, criLine, newRequestId, requestLines } from '../support/request-lines.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const TOTAL_LINES = 200_000;
const ROTATE_AFTER = 100_000;

t.test('200,000 lines, kubelet rotation after 100,000 while the reader is behind, then a restart of the container', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('k8s');
  t.teardown(tmp.remove);
  const service = `rf-k8s-${randomBytes(3).toString('hex')}`;
  const [ns, pod, uid, container] = ['shop', `api-${randomBytes(2).toString('hex')}`, randomBytes(8).toString('hex'), 'app'];
  const dir = join(tmp.dir, 'pods', `${ns}_${pod}_${uid}`, container);
  mkdirSync(dir, { recursive: true });

  // Requests of 100 lines (start, 98 application lines, end); the first and last of 50, so
  // the rotation after line 100,000 falls in the middle of a request.
  const appsPerRequest: number[] = [48];
  while (appsPerRequest.reduce((a, n) => a + n + 2, 0) < TOTAL_LINES - 50) appsPerRequest.push(98);
  appsPerRequest.push(48);
  const startS = Math.floor(Date.now() / 1000) - 3600;
  const requests = appsPerRequest.map((apps, i) => ({ requestId: newRequestId(), service, startS: startS + i * 0.01, apps }));
  const lines = requests.flatMap((r) => requestLines(r)).map((l) => criLine(l));
  t.equal(lines.length, TOTAL_LINES, 'the plan writes 200,000 lines');
  const src = join(tmp.dir, 'lines.txt');
  writeLines(src, lines);
  const firstFileBytes = lines.slice(0, ROTATE_AFTER).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const restart = { requestId: newRequestId(), service, startS: startS + 100, apps: 1 };
  const restartSrc = join(tmp.dir, 'restart.txt');
  writeLines(restartSrc, requestLines(restart).map((l) => criLine(l)));

  const log0 = join(dir, '0.log');
  const rotated = join(dir, '0.log.20260101-000000');
  writeLines(log0, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base, {
    tail: { kubernetes: { enabled: true, logRoot: join(tmp.dir, 'pods'), container }, readChunkBytes: 65_536 },
  }), [], { POD_NAMESPACE: ns, POD_NAME: pod, POD_UID: uid }).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');

  await runWriter(tmp.dir, [
    { op: 'append', path: log0, source: src, from: 0, to: ROTATE_AFTER, linesPerWrite: 5000 },
    { op: 'rename', from: log0, to: rotated },
    { op: 'reopen', path: log0 },
    { op: 'append', path: log0, source: src, from: ROTATE_AFTER, linesPerWrite: 5000 },
    { op: 'gzip', path: rotated },
    { op: 'sleep', ms: 300 },
    { op: 'append', path: join(dir, '1.log'), source: restartSrc },
  ]);
  t.equal(statSync(log0).size + firstFileBytes, lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0), 'every line was written');

  // Delivery keeps file order: once the last requests are in, the exact check has little left to wait for.
  await waitForTrace(base, requests[requests.length - 1]!.requestId, { timeoutMs: 180_000, intervalMs: 500 });
  await waitForTrace(base, restart.requestId, { timeoutMs: 60_000, intervalMs: 500 });
  const expected = new Map([...requests, restart].map((r) => [r.requestId, 1]));
  const seen = await waitForExactTraces(base, service, expected, { timeoutMs: 180_000 });
  const rotation = daemon.logs('file_rotated')[0] as { offset: number } | undefined;
  t.ok(rotation && rotation.offset < firstFileBytes, `the reader was behind at the rotation (${rotation?.offset} of ${firstFileBytes} bytes read)`);

  // Every line arrived once, in its request: the annotations of each span are exactly its application lines.
  const byTrace = new Map(seen.traces.map((tr) => [tr[0]!.traceId, tr[0]!]));
  let wrong = 0;
  let annotations = 0;
  for (const r of [...requests, restart]) {
    const span = byTrace.get(r.requestId)!;
    const got = (span.annotations ?? []).map((a) => a.value.replace(/^INFO [^:]+: /, ''));
    const want = Array.from({ length: r.apps }, (_, i) => appMessage(r.requestId, i));
    annotations += got.length;
    if (JSON.stringify(got) !== JSON.stringify(want) || span.tags?.['requestflow.incomplete'] !== undefined) wrong += 1;
  }
  t.equal(wrong, 0, 'every span has exactly its own application lines, in order, and both its start and end');
  t.equal(annotations + 2 * (requests.length + 1), TOTAL_LINES + requestLines(restart).length, 'all 200,000 lines (and the restart\'s) are in Zipkin');
  t.equal(await daemon.stop(), 0);
  t.match(daemon.logs('stopped')[0], { linesRead: TOTAL_LINES + requestLines(restart).length });
});
