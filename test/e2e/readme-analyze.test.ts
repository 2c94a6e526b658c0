// The README's "Answering the three questions" examples are real: each block
// marked <!-- example: NAME --> holds a `$ requestflow analyze ...` command and
// its output. This test plants the scenarios of test/support/scenarios.ts
// (suffix c0ffee in the README, a fresh one here), runs each command through
// the real binary against the real Zipkin, and compares the output with the
// README's, after putting the README's suffix, request id and times in.
// README_WRITE=1 prints the outputs to paste instead.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTOCOMPLETE_KEYS } from '../../src/assemble/tag-names.js';
import { feedThroughSidecars } from '../support/feed-sidecars.js';
import { generateLogs } from '../support/generate-logs.js';
import { repoRoot, runRequestflow } from '../support/requestflow-binary.js';
import { failingPlayback, runSuffix, slowCohort } from '../support/scenarios.js';
import { waitForTrace, waitForTraces, zipkinBaseUrl } from '../support/zipkin-api.js';

const README_SUFFIX = 'c0ffee';
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
const base = zipkinBaseUrl();
const run = runSuffix();
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

interface Example { name: string; args: string[]; output: string }

function examples(): Example[] {
  const out: Example[] = [];
  const re = /<!-- example: ([\w-]+) -->\n```[a-z]*\n\$ requestflow ([^\n]+)\n([\s\S]*?)```/g;
  for (let m = re.exec(readme); m; m = re.exec(readme)) {
    if (!m[1]!.startsWith('analyze-')) continue; // other sections' examples have tests of their own
    const args = [...m[2]!.matchAll(/'([^']*)'|(\S+)/g)].map((a) => a[1] ?? a[2]!);
    out.push({ name: m[1]!, args, output: m[3]!.replace(/\n$/, '') });
  }
  return out;
}

t.test("README's AUTOCOMPLETE_KEYS line is the list the code declares", async (t) => {
  t.ok(readme.includes(`\nAUTOCOMPLETE_KEYS=${AUTOCOMPLETE_KEYS.join(',')}\n`));
});

t.test('README analyze examples are what the binary prints for the planted scenarios', async (t) => {
  const found = examples();
  t.same(found.map((e) => e.name).sort(), ['analyze-dependencies', 'analyze-endpoint', 'analyze-trace'], 'the three examples are in the README');
  const failing = failingPlayback(run);
  const slow = slowCohort(run);
  const gFailing = generateLogs(failing.scenario);
  const gSlow = generateLogs(slow.scenario);
  const dir = mkdtempSync(join(tmpdir(), 'requestflow-readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await feedThroughSidecars(gFailing, failing.hosts, base, join(dir, 'failing'));
  await feedThroughSidecars(gSlow, slow.hosts, base, join(dir, 'slow'));
  const request = gFailing.truth[0]!;
  await waitForTrace(base, request.requestId, { minSpans: request.spans.length + request.calls.length, timeoutMs: 60_000 });
  await waitForTraces(base, { serviceName: slow.names.catalog, traces: slow.scenario.requests, spans: gSlow.truth.reduce((a, r) => a + r.spans.length + r.calls.length, 0) });

  const readmeRequestId = /analyze trace ([0-9a-f]{32})/.exec(readme)?.[1] ?? '';
  for (const ex of found) {
    const args = ex.args.map((a) => a.replaceAll(README_SUFFIX, run).replace(readmeRequestId, request.requestId));
    const r = await runRequestflow([...args, '--zipkin-url', base], { timeoutMs: 120_000 });
    t.equal(r.code, 0, `${ex.name}: exit 0 (${r.stderr.trim()})`);
    const readmeTimes = ex.output.match(ISO) ?? [];
    let i = 0;
    const actual = r.stdout.replace(/\n$/, '').replaceAll(run, README_SUFFIX).replaceAll(request.requestId, readmeRequestId)
      .replace(ISO, (s) => readmeTimes[i++] ?? s);
    if (process.env.README_WRITE) t.comment(`\n${actual}`);
    t.equal(actual, ex.output, `${ex.name}: output as in the README`);
  }
});
