// Measures where the `tail` package (the one the user named, 2.2.6) loses or
// corrupts lines, with the real package on real files. Each scenario writes
// known lines, lets `tail` follow the file, and compares what it emitted with
// what was written. requestflow's own follower (src/tail/follow-files.ts) is
// checked on the same cases by test/e2e/follow-*.test.ts.
//
//   node test/bench/tail-package-limits.mjs          # prints a table
//   node test/bench/tail-package-limits.mjs --json   # one JSON object
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tailPkg from 'tail';

const { Tail } = tailPkg;
const version = createRequire(import.meta.url)('tail/package.json').version;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lines = (tag, n) => Array.from({ length: n }, (_, i) => `{"tag":"${tag}","i":${i}}\n`).join('');

async function follow(file, opts, act) {
  const got = [];
  const tail = new Tail(file, { fromBeginning: false, follow: true, flushAtEOF: false, ...opts });
  tail.on('line', (l) => got.push(l));
  tail.on('error', () => {});
  await sleep(300);
  await act();
  await sleep(2500); // tail re-watches a renamed path after 1 s
  tail.unwatch();
  return got;
}

const scenarios = [
  {
    name: 'rename + create, then 2 lines within 50 ms (kubelet rotation)',
    expected: 5,
    run: async (dir, opts) => {
      const f = join(dir, 'app.log');
      writeFileSync(f, '');
      return follow(f, opts, async () => {
        appendFileSync(f, lines('a', 3));
        await sleep(200);
        renameSync(f, `${f}.1`);
        writeFileSync(f, '');
        appendFileSync(f, lines('b', 2));
      });
    },
  },
  {
    name: 'copytruncate: truncated and rewritten before tail looks',
    expected: 15,
    run: async (dir, opts) => {
      const f = join(dir, 'app.log');
      writeFileSync(f, '');
      return follow(f, opts, async () => {
        appendFileSync(f, lines('a', 10));
        await sleep(300);
        truncateSync(f, 0);
        appendFileSync(f, lines('b', 3));
        await sleep(300);
        appendFileSync(f, lines('c', 2));
      });
    },
  },
  {
    name: 'a multi-byte character split across two writes',
    expected: 1,
    check: (got) => got.filter((l) => l === '{"msg":"café €"}').length,
    run: async (dir, opts) => {
      const f = join(dir, 'app.log');
      writeFileSync(f, '');
      const bytes = Buffer.from('{"msg":"café €"}\n');
      const cut = bytes.indexOf(0xe2) + 1; // inside the euro sign
      return follow(f, opts, async () => {
        appendFileSync(f, bytes.subarray(0, cut));
        await sleep(300);
        appendFileSync(f, bytes.subarray(cut));
      });
    },
  },
  {
    name: 'resume at a byte offset after a restart (5 lines read before, 5 written while down)',
    expected: '5 new, 0 repeated',
    check: (got) => `${got.filter((l) => l.includes('"new"')).length} new, ${got.filter((l) => l.includes('"old"')).length} repeated`,
    run: async (dir, opts) => {
      // tail has no option to start at a byte offset: fromBeginning re-emits the 5 old lines,
      // the default (end of file) never emits the 5 new ones. `opts.fromBeginning` picks which.
      const f = join(dir, 'app.log');
      writeFileSync(f, lines('old', 5) + lines('new', 5));
      return follow(f, opts, async () => {});
    },
  },
];

const variants = [
  { name: 'fs.watch', opts: { useWatchFile: false } },
  { name: 'fs.watchFile', opts: { useWatchFile: true, fsWatchOptions: { interval: 100 } } },
  { name: 'fromBeginning', opts: { useWatchFile: false, fromBeginning: true }, only: 3 },
];

const results = [];
for (const [i, s] of scenarios.entries()) {
  for (const v of variants) {
    if (v.only !== undefined && v.only !== i) continue;
    const dir = mkdtempSync(join(tmpdir(), 'tail-limits-'));
    try {
      const got = await s.run(dir, v.opts);
      const delivered = s.check ? s.check(got) : got.length;
      results.push({ scenario: s.name, variant: v.name, expected: s.expected, delivered, sample: got.slice(-2) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ tail: version, results }));
} else {
  console.log(`tail ${version} on Node ${process.version}, ${process.platform}`);
  console.log('| scenario | watch | expected | delivered intact |');
  console.log('| --- | --- | --- | --- |');
  for (const r of results) console.log(`| ${r.scenario} | ${r.variant} | ${r.expected} | ${r.delivered} |`);
}
