import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_FILE, CheckpointStore, PREVIOUS_FILE, type FileCheckpoint } from '../../src/checkpoint/checkpoint-store.js';
import { Logger } from '../../src/observe/logger.js';

const entry = (offset: number): FileCheckpoint => ({
  path: '/var/log/pods/ns_p_u/app/0.log', dev: '64769', ino: '123', fingerprint: { bytes: 1024, sha256: 'ab'.repeat(32) },
  offset, linesEnd: offset + 10, format: 'cri', updatedAtMs: 1,
});

function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'rf-ckpt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const warnings: Record<string, unknown>[] = [];
  const log = new Logger({ level: 'warn', write: (l) => warnings.push(JSON.parse(l) as Record<string, unknown>) });
  return { dir, warnings, store: new CheckpointStore(dir, log) };
}

t.test('first start: nothing saved, no warning', async (t) => {
  const { store, warnings } = setup(t);
  t.same(store.load(), []);
  t.same(warnings, []);
});

t.test('save then load returns the entries; the previous generation is kept', async (t) => {
  const { dir, store } = setup(t);
  store.save([entry(100)]);
  store.save([entry(200)]);
  t.same(store.load(), [entry(200)]);
  const prev = JSON.parse(readFileSync(join(dir, PREVIOUS_FILE), 'utf8')) as { files: FileCheckpoint[] };
  t.same(prev.files, [entry(100)], 'the generation before is on disk');
  t.notOk(existsSync(join(dir, `${CHECKPOINT_FILE}.tmp`)), 'no temporary file left behind');
});

// One row per way the current file can be unusable; each falls back to the previous generation with a warning.
const broken: Array<[name: string, content: string | undefined, problem: RegExp]> = [
  ['empty', '', /empty/],
  ['cut mid-write', '{"version":1,"savedAtMs":1,"files":[{"path":"/x"', /not JSON/],
  ['not a checkpoint', '[1,2,3]', /version/],
  ['a malformed entry', JSON.stringify({ version: 1, savedAtMs: 1, files: [{ path: '/x', offset: -5 }] }), /malformed entry/],
  ['missing (crash between the two renames)', undefined, /missing/],
];

for (const [name, content, problem] of broken) {
  t.test(`current file ${name}: previous generation, with a warning`, async (t) => {
    const { dir, store, warnings } = setup(t);
    store.save([entry(100)]);
    store.save([entry(200)]);
    if (content === undefined) rmSync(join(dir, CHECKPOINT_FILE));
    else writeFileSync(join(dir, CHECKPOINT_FILE), content);
    t.same(store.load(), [entry(100)]);
    t.equal(warnings.length, 1);
    t.match(warnings[0], { level: 'warn', msg: 'checkpoint_fallback', problem });
  });
}

t.test('both generations unusable: start empty, with a warning', async (t) => {
  const { dir, store, warnings } = setup(t);
  writeFileSync(join(dir, CHECKPOINT_FILE), 'garbage');
  writeFileSync(join(dir, PREVIOUS_FILE), '');
  t.same(store.load(), []);
  t.match(warnings[0], { msg: 'checkpoint_fallback', using: /none/, previousProblem: /empty/ });
});

t.test('a stale temporary file from a killed save is ignored', async (t) => {
  const { dir, store } = setup(t);
  store.save([entry(300)]);
  writeFileSync(join(dir, `${CHECKPOINT_FILE}.tmp`), '{"version":1,"files":[{"pa');
  t.same(store.load(), [entry(300)]);
});
