// Following a file while a writer is in the middle of a line: the line is
// handed on once, whole, when its end arrives.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { followWithTail } from '../../src/tail/follow-tail.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a line written in two parts arrives as one line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-follow-'));
  const file = join(dir, 'app.log');
  writeFileSync(file, '{"n":1}\n');
  const lines: string[] = [];
  const follower = followWithTail(file, 1 << 20, (batch) => { for (const l of batch) lines.push(l.text); }, (e) => t.fail(e.message));
  t.teardown(() => {
    follower.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 20_000;
  while (lines.length < 1 && Date.now() < deadline) await sleep(20);
  appendFileSync(file, '{"n":2,"half":');
  // Give the follower time to read the half line (the failure this guards against).
  await sleep(500);
  appendFileSync(file, '"written"}\n{"n":3}\n');
  while (lines.length < 3 && Date.now() < deadline) await sleep(20);
  await sleep(200);
  t.same(lines, ['{"n":1}', '{"n":2,"half":"written"}', '{"n":3}']);
});
