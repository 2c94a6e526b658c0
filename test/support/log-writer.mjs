// A separate writer process for the follow-mode tests: it plays a plan of
// writes, renames, reopens, truncations and compressions on log files, the
// way a container runtime and the kubelet do. Appends go through an open
// file descriptor per path, so, as with containerd, writes after a rename
// land in the renamed file until the plan says `reopen`.
//
//   node test/support/log-writer.mjs plan.json
//
// plan: { "steps": [ { "op": "append", "path": "...", "source": "lines.txt",
//   "from": 0, "to": 100, "linesPerWrite": 1000, "pauseMs": 0, "latin1": false }, ... ] }
// ops: append, write {path, text}, rename {from, to}, reopen {path},
//      copytruncate {path, to}, gzip {path} (to path.gz, then unlink), unlink {path},
//      sleep {ms}, waitFor {file}. Prints "step N <op>" after each step.
import { closeSync, copyFileSync, existsSync, ftruncateSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const fds = new Map();
const sources = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fdFor(path) {
  if (!fds.has(path)) fds.set(path, openSync(path, 'a'));
  return fds.get(path);
}

// latin1 keeps arbitrary bytes (a piece may end inside a multi-byte character) as they are.
function linesOf(source, encoding) {
  if (!sources.has(source)) sources.set(source, readFileSync(source, encoding).split('\n').slice(0, -1));
  return sources.get(source);
}

for (const [i, s] of plan.steps.entries()) {
  switch (s.op) {
    case 'append': {
      const encoding = s.latin1 ? 'latin1' : 'utf8';
      const lines = linesOf(s.source, encoding);
      const to = s.to ?? lines.length;
      const per = s.linesPerWrite ?? 1000;
      for (let at = s.from ?? 0; at < to; at += per) {
        writeSync(fdFor(s.path), `${lines.slice(at, Math.min(to, at + per)).join('\n')}\n`, null, encoding);
        if (s.pauseMs) await sleep(s.pauseMs);
      }
      break;
    }
    case 'write': writeSync(fdFor(s.path), s.text); break;
    case 'rename': renameSync(s.from, s.to); break;
    case 'reopen':
      if (fds.has(s.path)) closeSync(fds.get(s.path));
      fds.delete(s.path);
      fdFor(s.path);
      break;
    case 'copytruncate':
      copyFileSync(s.path, s.to);
      ftruncateSync(fdFor(s.path), 0);
      break;
    case 'gzip':
      writeFileSync(`${s.path}.gz`, gzipSync(readFileSync(s.path)));
      unlinkSync(s.path);
      break;
    case 'unlink': unlinkSync(s.path); break;
    case 'sleep': await sleep(s.ms); break;
    case 'waitFor':
      while (!existsSync(s.file)) await sleep(20);
      break;
    default: throw new Error(`unknown op ${s.op}`);
  }
  process.stdout.write(`step ${i} ${s.op}\n`);
}
for (const fd of fds.values()) closeSync(fd);
