// Follow mode on plain files with the real binary, a real writer process and
// the real Zipkin: rotation by rename + create, a restart in the middle of a
// line, and a line over the limit followed by a restart. Each test asserts
// the exact set of traces and their span counts in Zipkin.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Daemon, followConfig, runWriter, tempDir, waitForExactTraces, writeLines } from '../support/follow-harness.js';
import { aggregatedLine, newRequestId, requestLines } from '../support/request-lines.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

// In the past: Zipkin's trace search ends at now, so a future timestamp would hide a trace.
const nowS = () => Math.floor(Date.now() / 1000) - 120;

t.test('3 lines, rename, create, 2 lines within 50 ms: 5 records', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('rotate');
  t.teardown(tmp.remove);
  const service = `rf-rotate-${randomBytes(3).toString('hex')}`;
  const ids = Array.from({ length: 5 }, newRequestId);
  const log = join(tmp.dir, 'app.log');
  const src = join(tmp.dir, 'lines.txt');
  writeLines(src, ids.map((id, i) => aggregatedLine(id, service, nowS() + i)));
  writeLines(log, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base), [log]).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');
  await runWriter(tmp.dir, [
    { op: 'append', path: log, source: src, from: 0, to: 3 },
    { op: 'rename', from: log, to: `${log}.1` },
    { op: 'reopen', path: log },
    { op: 'append', path: log, source: src, from: 3, to: 5 },
  ]);
  await waitForExactTraces(base, service, new Map(ids.map((id) => [id, 1])));
  t.pass('5 traces of 1 span each, nothing twice');
  t.equal(await daemon.stop(), 0, 'SIGTERM: exit 0');
  t.match(daemon.logs('stopped')[0], { linesRead: 5, spansExported: 5 });
});

t.test('a restart while the file ends in half a line, then the rest: both records once', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('halfline');
  t.teardown(tmp.remove);
  const service = `rf-half-${randomBytes(3).toString('hex')}`;
  const [a, b] = [newRequestId(), newRequestId()];
  const log = join(tmp.dir, 'app.log');
  const lineB = aggregatedLine(b, service, nowS() + 1);
  const cut = Math.floor(lineB.length / 2);
  writeLines(log, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base), [log]).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');
  await runWriter(tmp.dir, [{ op: 'write', path: log, text: `${aggregatedLine(a, service, nowS())}\n${lineB.slice(0, cut)}` }], 'first');
  await waitForExactTraces(base, service, new Map([[a, 1]]));
  t.equal(await daemon.stop(), 0, 'SIGTERM while the file ends in half a line: exit 0');
  await runWriter(tmp.dir, [{ op: 'write', path: log, text: `${lineB.slice(cut)}\n` }], 'second');
  daemon.start();
  t.teardown(() => daemon.stop());
  await waitForExactTraces(base, service, new Map([[a, 1], [b, 1]]));
  t.equal(await daemon.stop(), 0);
  const [first, second] = daemon.logs('stopped');
  t.match(first, { linesRead: 1, spansExported: 1 }, 'the half line was not read as a record before the restart');
  t.match(second, { linesRead: 1, spansExported: 1 }, 'after the restart only the completed line was read');
});

t.test('a 640 KB line between normal lines with a 32 KiB limit, then a restart: the others once, the long one counted', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('longline');
  t.teardown(tmp.remove);
  const service = `rf-long-${randomBytes(3).toString('hex')}`;
  const log = join(tmp.dir, 'app.log');
  const normal = Array.from({ length: 5 }, newRequestId);
  const longId = newRequestId();
  // A request_start whose context ends in a 640 KB body: cut at 32 KiB, it is still a request record.
  const long = requestLines({ requestId: longId, service, startS: nowS(), startContext: { body: 'b'.repeat(640 * 1024) } });
  const src = join(tmp.dir, 'lines.txt');
  writeLines(src, [
    aggregatedLine(normal[0]!, service, nowS()), aggregatedLine(normal[1]!, service, nowS()),
    ...long, aggregatedLine(normal[2]!, service, nowS()), aggregatedLine(normal[3]!, service, nowS()),
    aggregatedLine(normal[4]!, service, nowS()),
  ]);
  writeLines(log, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base, { limits: { maxLineBytes: 32 * 1024 } }), [log]).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');
  await runWriter(tmp.dir, [{ op: 'append', path: log, source: src, from: 0, to: 6 }], 'first');
  const expected = new Map([[normal[0]!, 1], [normal[1]!, 1], [longId, 1], [normal[2]!, 1], [normal[3]!, 1]]);
  const seen = await waitForExactTraces(base, service, expected);
  const longSpan = seen.traces.find((tr) => tr[0]!.traceId === longId)![0]!;
  t.match(longSpan.tags?.['requestflow.truncated'], /^record cut at \d+ of \d+ bytes$/, 'the cut record still made its span, tagged');
  t.equal(await daemon.stop(), 0);
  daemon.start();
  t.teardown(() => daemon.stop());
  await runWriter(tmp.dir, [{ op: 'append', path: log, source: src, from: 6 }], 'second');
  expected.set(normal[4]!, 1);
  await waitForExactTraces(base, service, expected);
  t.equal(await daemon.stop(), 0);
  const [first, second] = daemon.logs('stopped') as { truncated: Record<string, number>; linesRead: number }[];
  t.equal(first!.truncated.record, 1, 'the long line is counted as cut');
  t.equal(second!.linesRead, 1, 'after the restart only the new line is read');
  t.same(second!.truncated, {}, 'the long line is not read again');
});

t.test('copytruncate right after a write, and a deleted file: every line once', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('copytrunc');
  t.teardown(tmp.remove);
  const service = `rf-ctrunc-${randomBytes(3).toString('hex')}`;
  const ids = Array.from({ length: 20 }, newRequestId);
  const src = join(tmp.dir, 'lines.txt');
  writeLines(src, ids.map((id, i) => aggregatedLine(id, service, nowS() + i)));
  const log = join(tmp.dir, 'app.log');
  const other = join(tmp.dir, 'other.log');
  writeLines(log, []);
  writeLines(other, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base), [join(tmp.dir, '*.log')]).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened', { count: 2 });
  await runWriter(tmp.dir, [{ op: 'append', path: log, source: src, from: 0, to: 10 }], 'first');
  await waitForExactTraces(base, service, new Map(ids.slice(0, 10).map((id) => [id, 1])));
  await runWriter(tmp.dir, [
    // Written and then copied away and truncated before requestflow can have looked.
    { op: 'append', path: log, source: src, from: 10, to: 15 },
    { op: 'copytruncate', path: log, to: `${log}.1` },
    { op: 'append', path: log, source: src, from: 15, to: 17 },
    // Written and deleted at once: read through the open handle.
    { op: 'append', path: other, source: src, from: 17, to: 20 },
    { op: 'unlink', path: other },
  ], 'second');
  await waitForExactTraces(base, service, new Map(ids.map((id) => [id, 1])));
  t.pass('20 traces once each');
  t.equal(await daemon.stop(), 0);
  const stopped = daemon.logs('stopped')[0] as { linesRead: number };
  t.equal(stopped.linesRead, 20, 'no line read twice (the copy app.log.1 is not read as a new file)');
});

t.test('rotated and compressed while requestflow was down: the rest is read from the .gz, nothing twice', async (t) => {
  const base = zipkinBaseUrl();
  const tmp = tempDir('gzdown');
  t.teardown(tmp.remove);
  const service = `rf-gzdown-${randomBytes(3).toString('hex')}`;
  const ids = Array.from({ length: 10 }, newRequestId);
  const src = join(tmp.dir, 'lines.txt');
  writeLines(src, ids.map((id, i) => aggregatedLine(id, service, nowS() + i)));
  const log = join(tmp.dir, '0.log');
  writeLines(log, []);
  const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base), [log]).start();
  t.teardown(() => daemon.stop());
  await daemon.waitForLog('file_opened');
  await runWriter(tmp.dir, [{ op: 'append', path: log, source: src, from: 0, to: 5 }], 'first');
  await waitForExactTraces(base, service, new Map(ids.slice(0, 5).map((id) => [id, 1])));
  t.equal(await daemon.stop(), 0);
  await runWriter(tmp.dir, [
    { op: 'append', path: log, source: src, from: 5, to: 8 },
    { op: 'rename', from: log, to: `${log}.20260101-000000` },
    { op: 'gzip', path: `${log}.20260101-000000` },
    { op: 'reopen', path: log },
    { op: 'append', path: log, source: src, from: 8, to: 10 },
  ], 'while-down');
  daemon.start();
  t.teardown(() => daemon.stop());
  await waitForExactTraces(base, service, new Map(ids.map((id) => [id, 1])));
  t.equal(await daemon.stop(), 0);
  const second = daemon.logs('stopped')[1] as { linesRead: number };
  t.equal(second.linesRead, 5, 'after the restart: the 3 lines from the .gz and the 2 of the new file, nothing before');
});
