// The Command reference's example is real: the block marked
// <!-- example: once-summary --> is run through the real binary against the
// test Zipkin (REQUESTFLOW_ZIPKIN_URL stands in for the default localhost)
// and must print exactly what the README shows.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

t.test('the --once summary example prints what the README shows', async (t) => {
  const m = /<!-- example: once-summary -->\n```\n\$ requestflow ([^\n]+)\n([\s\S]*?)```/.exec(readme);
  t.ok(m, 'the example is in the README');
  const r = await runRequestflow(m![1]!.split(' '), { env: { REQUESTFLOW_ZIPKIN_URL: spansUrl(zipkinBaseUrl()) } });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, m![2]);
});
