// The example file and the README table are generated from the schema: the
// committed copies must be what the generator makes now, and must describe
// the same config the code uses.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configKeys } from '../../src/config/config-keys.js';
import { loadConfig } from '../../src/config/load-config.js';
import {
  EXAMPLE_CONFIG_PATH, exampleYaml, MASK, maskedYaml, README_TABLE_END, README_TABLE_START, referenceTable, withReferenceTable,
} from '../../src/config/reference.js';
import { repoRoot } from '../support/requestflow-binary.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const committedExample = readFileSync(join(repoRoot, EXAMPLE_CONFIG_PATH), 'utf8');

t.test('config/requestflow.example.yaml is current (npm run config:docs)', async (t) => {
  t.equal(committedExample, exampleYaml());
});

t.test("the README's reference table is current (npm run config:docs)", async (t) => {
  t.equal(readme, withReferenceTable(readme));
  const between = readme.slice(readme.indexOf(README_TABLE_START) + README_TABLE_START.length, readme.indexOf(README_TABLE_END));
  t.equal(between.trim(), referenceTable());
});

t.test('the example file loads to exactly the defaults', async (t) => {
  const fromExample = loadConfig({ file: join(repoRoot, EXAMPLE_CONFIG_PATH), env: {}, envOverrides: false });
  t.same(fromExample, loadConfig({ env: {} }));
});

t.test('every key is in the example and in the table, with its variable', async (t) => {
  const example = parse(committedExample) as Record<string, unknown>;
  for (const k of configKeys()) {
    const value = k.path.reduce<unknown>((node, p) => (node as Record<string, unknown> | undefined)?.[p], example);
    t.not(value, undefined, `${k.name} in the example`);
    t.match(committedExample, `# env: ${k.envVar}`, `${k.name}: its variable in the example`);
    t.match(readme, `| \`${k.name}\` |`, `${k.name} in the table`);
  }
});

t.test('a changed default would show as a stale example', async (t) => {
  // The comparison above is only worth something if the generator reflects the schema.
  const key = configKeys().find((k) => k.name === 'export.batchMaxSpans')!;
  t.match(exampleYaml(), `batchMaxSpans: ${String(key.default)}\n`);
  t.match(referenceTable(), `| \`export.batchMaxSpans\` | integer 1–10000 | \`${String(key.default)}\` | spans |`);
});

t.test('print-config masks secrets: every header value', async (t) => {
  const config = loadConfig({ env: {}, overrides: { 'zipkin.headers': { authorization: 'Bearer planted-secret-7f3a', 'x-tenant': 'acme-planted' } } });
  const text = maskedYaml(config);
  t.notMatch(text, 'planted-secret-7f3a');
  t.notMatch(text, 'acme-planted');
  const back = parse(text) as { zipkin: { headers: Record<string, string>; url: string } };
  t.same(back.zipkin.headers, { authorization: MASK, 'x-tenant': MASK }, 'header names kept, values masked');
  t.equal(back.zipkin.url, config.zipkin.url, 'other keys shown as they are');
  t.ok(configKeys().find((k) => k.name === 'zipkin.headers')?.secret, 'zipkin.headers is marked secret in the schema');
});
