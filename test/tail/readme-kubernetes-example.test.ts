// The README's Kubernetes config example is valid and names the directory
// its text says: <logRoot>/<namespace>_<podName>_<podUid>/<container>.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { kubernetesLogDir, kubernetesPattern } from '../../src/tail/discover.js';
import { repoRoot } from '../support/requestflow-binary.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Kubernetes log files'));
const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];

t.test('the example loads and points at this pod\'s container directory', async (t) => {
  t.ok(yaml, 'the section has a YAML example');
  const dir = mkdtempSync(join(tmpdir(), 'rf-readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'requestflow.yaml');
  writeFileSync(file, yaml!);
  const config = loadConfig({ file });
  t.equal(config.tail.kubernetes.enabled, true);
  t.equal(config.tail.stateDir, '/var/lib/requestflow');
  const env = { POD_NAMESPACE: 'shop', POD_NAME: 'api-7d9f', POD_UID: '0d4c-11ee' };
  const k = kubernetesLogDir(config.tail.kubernetes, env);
  t.same(k, { dir: '/var/log/pods/shop_api-7d9f_0d4c-11ee/app' });
  t.equal(kubernetesPattern((k as { dir: string }).dir), '/var/log/pods/shop_api-7d9f_0d4c-11ee/app/*.log');
  t.match(kubernetesLogDir(config.tail.kubernetes, {}), { error: /POD_NAMESPACE.*POD_NAME.*POD_UID/ }, 'without the downward API it says what is missing');
});
