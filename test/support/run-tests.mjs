// The test command behind `npm test`: starts the real Zipkin server (official
// exec jar from Maven Central, in-memory storage) on a free port, runs tap with
// ZIPKIN_BASE_URL pointing at it, stops Zipkin, and prints the closing line
// "N passed, N failed" that .ci/run relies on.
//
//   node test/support/run-tests.mjs                  all test files
//   node test/support/run-tests.mjs test/decode      some files or folders
//
// Counts are tap's own: leaf test points (assertions); a crashing test file
// counts as a failure, so a broken file can never pass silently.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startZipkin } from '../../dist/demo/zipkin-server.js';
import { ZipkinJarError } from '../../dist/demo/zipkin-jar.js';
import { AUTOCOMPLETE_KEYS } from '../../dist/assemble/tag-names.js';

const args = process.argv.slice(2);

let zipkin;
try {
  const t0 = Date.now();
  // The tag keys the README tells ops to list in AUTOCOMPLETE_KEYS, so tests see Zipkin as deployed.
  zipkin = await startZipkin({ env: { AUTOCOMPLETE_KEYS: AUTOCOMPLETE_KEYS.join(',') } });
  process.stderr.write(`[tests] Zipkin ${zipkin.baseUrl} (pid ${zipkin.pid}) healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ZipkinJarError ? err.message : err.stack ?? err}\n`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const stopZipkin = () => zipkin?.stop();
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, async () => { await stopZipkin(); process.exit(130); });

const tap = spawn(process.execPath, ['node_modules/tap/dist/esm/run.mjs', '--reporter=tap', '--no-color', ...args], {
  env: { ...process.env, ZIPKIN_BASE_URL: zipkin.baseUrl, ZIPKIN_PID: String(zipkin.pid) },
  stdio: ['ignore', 'pipe', 'inherit'],
});

// tap ends its TAP stream with "# { total: N, pass: N, fail: N, todo: N, skip: N }",
// counting leaf test points; an exception in a test file is one failing point.
let counts;
const rl = createInterface({ input: tap.stdout });
rl.on('line', (line) => {
  process.stdout.write(`${line}\n`);
  const m = /^# \{ (total: .*) \}$/.exec(line);
  if (m) counts = Object.fromEntries(m[1].split(', ').map((kv) => kv.split(': ')).map(([k, v]) => [k, Number(v)]));
});

const [code] = await Promise.all([
  new Promise((resolve) => tap.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)))),
  new Promise((resolve) => rl.on('close', resolve)),
]);
await stopZipkin();
const passed = counts?.pass ?? 0;
// tap failed for a reason its summary did not show (a bad flag, a build error).
const failed = (counts?.fail ?? 0) || (code !== 0 ? 1 : 0);
const extra = [counts?.todo && `${counts.todo} todo`, counts?.skip && `${counts.skip} skipped`].filter(Boolean).join(', ');
if (extra) console.log(`# ${extra}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
