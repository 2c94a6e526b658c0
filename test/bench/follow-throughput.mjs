// Follow-mode throughput and memory while catching up on an already written
// CRI file: section 2b of `npm run bench` (run-bench.mjs), on its own.
//
//   npm run build && node test/bench/follow-throughput.mjs [lines=400000]
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lines = process.argv[2] ?? '400000';
const bench = fileURLToPath(new URL('./run-bench.mjs', import.meta.url));
const r = spawnSync(process.execPath, [bench, '--only', 'follow', '--lines', lines, '--out', join(tmpdir(), 'requestflow-follow-throughput.md')], { stdio: 'inherit' });
process.exit(r.status ?? 1);
