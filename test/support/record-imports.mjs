// Module hooks (node --import + module.register) that append every resolved
// module URL to $RECORD_IMPORTS_FILE: used to prove what an entry point loads.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.RECORD_IMPORTS_FILE, `${result.url}\n`);
  return result;
}
