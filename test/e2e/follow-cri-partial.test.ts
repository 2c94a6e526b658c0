// One 2 MiB JSON record written by a writer process as 128 CRI `P` pieces and
// an `F`: requestflow reads one record, never fragments. With a record limit
// above 2 MiB the record is whole; with the default 1 MiB limit it is one
// record cut at the limit, counted, and its span tagged requestflow.truncated.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Daemon, followConfig, runWriter, tempDir, waitForExactTraces, writeLines } from '../support/follow-harness.js';
import { newRequestId, requestLines } from '../support/request-lines.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

const PIECES = 128;
const BODY_BYTES = 2 * 1024 * 1024;

const rows: Array<{ name: string; maxLineBytes?: number; cut: boolean }> = [
  // The body is exported whole here, to show no multi-byte character was broken at a piece boundary.
  { name: 'limit 4 MiB: one whole record', maxLineBytes: 4 * 1024 * 1024, cut: false },
  { name: 'default limit (1 MiB): one record cut at the limit and counted', cut: true },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const base = zipkinBaseUrl();
    const tmp = tempDir('cri-p');
    t.teardown(tmp.remove);
    const service = `rf-crip-${randomBytes(3).toString('hex')}`;
    const requestId = newRequestId();
    // request_start carrying a 2 MiB body (with multi-byte characters), then request_end.
    const body = 'é€'.repeat(BODY_BYTES / 5);
    const [start, end] = requestLines({ requestId, service, startS: Math.floor(Date.now() / 1000), startContext: { body } });
    const bytes = Buffer.from(start!);
    const time = new Date().toISOString();
    const pieceBytes = Math.ceil(bytes.length / (PIECES + 1));
    const text: Buffer[] = [];
    for (let i = 0; i <= PIECES; i++) {
      // Pieces cut at byte boundaries, so multi-byte characters are split across them.
      const piece = bytes.subarray(i * pieceBytes, (i + 1) * pieceBytes);
      text.push(Buffer.from(`${time} stdout ${i < PIECES ? 'P' : 'F'} `), piece, Buffer.from('\n'));
    }
    text.push(Buffer.from(`${time} stdout F ${end}\n`));
    const src = join(tmp.dir, 'pieces.txt');
    writeLines(src, Buffer.concat(text).toString('latin1').split('\n').slice(0, -1), 'latin1');
    const log = join(tmp.dir, '0.log');
    writeLines(log, []);
    const limits: Record<string, Record<string, unknown>> = row.maxLineBytes
      ? { limits: { maxLineBytes: row.maxLineBytes, maxTagValueLength: row.maxLineBytes }, privacy: { bodies: true } }
      : {};
    const daemon = Daemon.withConfig(tmp.dir, followConfig(tmp.dir, base, { ...limits, tail: { format: 'cri' } }), [log]).start();
    t.teardown(() => daemon.stop());
    await daemon.waitForLog('file_opened');
    await runWriter(tmp.dir, [{ op: 'append', path: log, source: src, linesPerWrite: 1, latin1: true }]);
    const seen = await waitForExactTraces(base, service, new Map([[requestId, 1]]));
    const span = seen.traces[0]![0]!;
    t.equal(span.tags?.['requestflow.incomplete'], undefined, 'the span has its start and its end');
    t.equal(await daemon.stop(), 0);
    const stopped = daemon.logs('stopped')[0] as { linesRead: number; skipped: Record<string, number>; truncated: Record<string, number> };
    t.equal(stopped.linesRead, 2, 'two records: the joined one and request_end, no fragments');
    t.same(stopped.skipped, {}, 'no piece was read as a line of its own');
    if (row.cut) {
      t.equal(stopped.truncated.record, 1, 'the cut is counted');
      t.match(span.tags?.['requestflow.truncated'], /^record cut at \d+ of \d+ bytes$/);
    } else {
      t.same(stopped.truncated, {}, 'nothing cut');
      t.equal(span.tags?.['requestflow.truncated'], undefined);
      t.ok(span.tags?.['http.request.body'] === body, 'the 2 MiB body arrived byte for byte, every split character intact');
    }
  });
}
