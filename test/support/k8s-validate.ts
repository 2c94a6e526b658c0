// Validates Kubernetes objects against the API schemas of one Kubernetes
// release, shipped by the kubernetes-models package (Kubernetes v1.36.0 in
// kubernetes-models 5.1.0, generated from the official OpenAPI spec; MIT):
//   - schema: each object through its model's validate() (types, formats such
//     as quantities, required fields, enums);
//   - strict: the same package's TypeScript types, with the compiler's excess
//     property check, reject fields the API does not know (what
//     `kubectl apply --validate=strict`, kubectl's default, refuses) -
//     the OpenAPI schemas alone allow any extra field.
// No network: everything comes from node_modules.
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './requestflow-binary.js';
import type { K8sObject } from './kustomize.js';

export const KUBERNETES_VERSION = '1.36.0';

/** kubernetes-models module for an apiVersion and kind: apps/v1 Deployment -> apps/v1/Deployment. */
function modelPath(o: K8sObject): string {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw new Error(`not a Kubernetes object: ${JSON.stringify(o).slice(0, 200)}`);
  return `kubernetes-models/${o.apiVersion}/${o.kind}`;
}

/** Schema problems of one object; [] when valid. */
export async function schemaErrors(o: K8sObject): Promise<string[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(modelPath(o)) as Record<string, unknown>;
  } catch {
    return [`no schema for ${o.apiVersion} ${o.kind} in Kubernetes ${KUBERNETES_VERSION}`];
  }
  const Model = mod[o.kind] as new (data: unknown) => { validate(): void };
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; message: string }[] }).errors;
    return errors?.map((x) => `${x.instancePath || '/'} ${x.message}`) ?? [(e as Error).message];
  }
}

/** Unknown fields and type mismatches of many objects, by label; [] when all are clean. */
export function strictErrors(objects: { label: string; object: K8sObject }[]): string[] {
  const file = join(repoRoot, 'test', 'k8s', '__manifests_typecheck__.ts');
  // Imports first, then one `const` per object; blockStart maps a line back to its object.
  const bodies = objects.map(({ object }) => JSON.stringify(object, null, 1));
  const text = objects.map(({ object }, i) => `import type { I${object.kind} as T${i} } from '${modelPath(object)}';`).join('\n') + '\n'
    + bodies.map((b, i) => `export const o${i}: T${i} = ${b};`).join('\n') + '\n';
  const blockStart: number[] = [];
  let line = objects.length;
  for (const b of bodies) {
    blockStart.push(line);
    line += b.split('\n').length;
  }
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    strict: true, noEmit: true, skipLibCheck: true, types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    name === file ? ts.createSourceFile(name, text, lang, true) : getSourceFile(name, lang, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file);
  return diags.map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return msg;
    const at = d.file.getLineAndCharacterOfPosition(d.start).line;
    let i = blockStart.length - 1;
    while (i > 0 && blockStart[i]! > at) i--;
    return `${objects[i]?.label ?? '?'}: ${msg}`;
  });
}
