/**
 * `npm run config:docs`: writes config/requestflow.example.yaml and the
 * README's reference table from the schema. With --check it writes nothing
 * and exits 1 when either is out of date (the tests check the same).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CONFIG_PATH, exampleYaml, withReferenceTable } from './reference.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const check = process.argv.includes('--check');
const targets: [string, string][] = [
  [join(root, EXAMPLE_CONFIG_PATH), exampleYaml()],
  [join(root, 'README.md'), withReferenceTable(readFileSync(join(root, 'README.md'), 'utf8'))],
];
let stale = 0;
for (const [file, wanted] of targets) {
  let current = '';
  try { current = readFileSync(file, 'utf8'); } catch { /* missing: stale */ }
  if (current === wanted) continue;
  stale += 1;
  if (check) process.stderr.write(`${file} is out of date: run npm run config:docs\n`);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
  }
}
process.exitCode = check && stale ? 1 : 0;
