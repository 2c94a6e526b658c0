// Renders a kustomization in process, for tests that must not depend on a
// kustomize binary. It implements exactly the features k8s/ uses and refuses
// any other field, so a new feature in a kustomization fails loudly here
// instead of being ignored:
//   resources (files, or directories with a kustomization.yaml), namespace,
//   configMapGenerator (files; with generatorOptions.disableNameSuffixHash),
//   images (name -> newName / newTag), patches (JSON 6902 files with a
//   kind/name target, applied with fast-json-patch; "test" ops included).
// When kubectl is installed, the tests also compare this rendering with
// `kubectl kustomize`.
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments, parse } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  configMapGenerator?: { name: string; files: string[] }[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path: string; target: { kind: string; name: string } }[];
}

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'configMapGenerator', 'generatorOptions', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace']);

export function readManifests(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function render(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  for (const field of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(field)) throw new Error(`${dir}/kustomization.yaml: field ${field} is not supported by test/support/kustomize.ts`);
  }
  const objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dir, r);
    objects.push(...(statSync(path).isDirectory() ? render(path) : readManifests(path)));
  }
  for (const g of k.configMapGenerator ?? []) {
    if (!k.generatorOptions?.disableNameSuffixHash) throw new Error(`${dir}: configMapGenerator needs disableNameSuffixHash here`);
    const data = Object.fromEntries(g.files.map((f) => [basename(f), readFileSync(join(dir, f), 'utf8')]));
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data });
  }
  for (const p of k.patches ?? []) {
    const ops = parse(readFileSync(join(dir, p.path), 'utf8')) as Operation[];
    const matches = objects.filter((o) => o.kind === p.target.kind && o.metadata.name === p.target.name);
    if (matches.length !== 1) throw new Error(`${dir}: patch ${p.path} matches ${matches.length} objects`);
    const i = objects.indexOf(matches[0]!);
    // validateOperation=true: a failed "test" or a missing path throws.
    objects[i] = fastJsonPatch.applyPatch(structuredClone(matches[0]!), ops, true, false).newDocument;
  }
  for (const img of k.images ?? []) {
    for (const c of containers(objects)) {
      const [name, tag] = splitImage(c.image);
      if (name === img.name) c.image = `${img.newName ?? name}:${img.newTag ?? tag}`;
    }
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return objects;
}

export interface Container {
  name: string;
  image: string;
  [k: string]: unknown;
}

/** Every container and init container of every workload. */
export function containers(objects: K8sObject[]): Container[] {
  return objects.flatMap((o) => {
    const spec = (o.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } | undefined)?.template?.spec;
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  });
}

function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

export const k8sDir = (root: string) => join(root, 'k8s');
export const overlayDirs = (root: string) => ['base', 'overlays/test-cluster', 'overlays/emptydir'].map((d) => join(root, 'k8s', d));
