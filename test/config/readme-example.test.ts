// The README's configuration example, run as written: its bad.yaml and the
// output it shows for `requestflow validate-config bad.yaml`.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runRequestflow } from '../support/requestflow-binary.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Reference'));

t.test('the bad.yaml example gives the output the README shows', async (t) => {
  const yamlBlock = /```yaml\n(# bad\.yaml\n[\s\S]*?)```/.exec(section)?.[1];
  const shell = /```\n\$ requestflow (validate-config bad\.yaml)\n([\s\S]*?)```/.exec(section);
  t.ok(yamlBlock && shell, 'both blocks found');
  const dir = mkdtempSync(join(tmpdir(), 'rf-readme-'));
  writeFileSync(join(dir, 'bad.yaml'), yamlBlock!);
  const env = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('REQUESTFLOW_') || k === 'ZIPKIN_TOKEN').map((k) => [k, undefined]));
  const r = await runRequestflow(shell![1]!.split(' '), { cwd: dir, env });
  t.equal(r.code, 2);
  t.equal(r.stderr, shell![2], 'stderr exactly as shown');
});
