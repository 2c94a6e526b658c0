/**
 * Config in: a YAML file (optional) with `${VAR}` references expanded from the
 * environment, then environment variables (REQUESTFLOW_*, downward API), then
 * flags, later layers winning. Config out: one validated, frozen Config, or a
 * ConfigError naming the file, the key path and the line (or the variable or
 * flag a value came from) and, for an unknown key, the nearest known one.
 * Validation happens once, here, before any log file is opened.
 */
import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parse, parseDocument, Scalar, visit, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { suggest } from './did-you-mean.js';
import { emptyLayer, envLayer, mergeLayers, type OverrideLayer, type Overrides } from './overrides.js';
import { configTree, type ConfigSection } from './config-keys.js';
import { configSchema, toSpansUrl, type Config } from './schema.js';

export { ConfigError } from './config-error.js';
export { suggest } from './did-you-mean.js';
export type { Overrides } from './overrides.js';

export interface LoadOptions {
  file?: string;
  /** Flags: dotted key -> value, e.g. { 'zipkin.url': 'http://...' }; undefined values are ignored. */
  overrides?: Overrides;
  /** Flags with their origins (see overrides.ts); applied after `overrides`. */
  flags?: OverrideLayer;
  /** For `${VAR}` in the file and for REQUESTFLOW_* / downward-API variables. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Apply REQUESTFLOW_* and downward-API variables (default true; validate-config checks the file alone). */
  envOverrides?: boolean;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  let raw: unknown = {};
  let doc: Document | undefined;
  let lines: LineCounter | undefined;
  const where = opts.file ?? '(defaults)';
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read config file ${opts.file}: ${(e as Error).message}`);
    }
    lines = new LineCounter();
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      throw new ConfigError(`${opts.file}: invalid YAML at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    }
    expandScalars(doc, env, opts.file, lines);
    raw = dropEmptySections(doc.toJS() ?? {}, configTree());
  }
  const plain = emptyLayer();
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    if (v === undefined) continue;
    plain.values[k] = v;
    plain.origins[k] = 'the command line';
  }
  const layers = mergeLayers(opts.envOverrides === false ? emptyLayer() : envLayer(env), plain, opts.flags ?? emptyLayer());
  const merged = applyOverrides(raw, layers.values) as { zipkin?: { url?: unknown } };
  if (typeof merged.zipkin?.url === 'string') merged.zipkin.url = toSpansUrl(merged.zipkin.url);
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(describeIssues(result.error, where, layers.origins, doc, lines));
  return deepFreeze(result.data);
}

/**
 * `${VAR}` in the file's values (never in its comments). An unquoted value is
 * read again as YAML after expansion, so `port: ${PORT}` gives a number;
 * a quoted one stays a string.
 */
function expandScalars(doc: Document, env: NodeJS.ProcessEnv, file: string, lines: LineCounter): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const where = `${file}:${lines.linePos(node.range?.[0] ?? 0).line}`;
      const expanded = expandEnv(node.value, env, where);
      node.value = node.type === Scalar.PLAIN ? parse(expanded) ?? expanded : expanded;
    },
  });
}

/** `${VAR}` and `${VAR:-default}`; an unset variable without a default is an error. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, file: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def?: string) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    throw new ConfigError(`${file}: \${${name}} is not set in the environment (use \${${name}:-default} for a default)`);
  });
}

/** A section whose keys are all commented out (`export:` alone) reads as null: take it as absent. */
function dropEmptySections(raw: unknown, section: ConfigSection): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const obj = raw as Record<string, unknown>;
  for (const child of section.children) {
    if (child.node !== 'section') continue;
    const key = child.path.at(-1)!;
    if (obj[key] === null) delete obj[key];
    else dropEmptySections(obj[key], child);
  }
  return obj;
}

function applyOverrides(raw: unknown, overrides: Overrides): unknown {
  if (Object.keys(overrides).length === 0) return raw;
  const out = structuredClone(raw ?? {}) as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) {
    const parts = path.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

function describeIssues(err: z.ZodError, where: string, origins: Record<string, string>, doc?: Document, lines?: LineCounter): string {
  // A value set by a variable or a flag is reported by its origin, not by a line of the file.
  const at = (path: string[]) => {
    for (let n = path.length; n > 0; n--) {
      const origin = origins[path.slice(0, n).join('.')];
      if (origin) return origin;
    }
    return `${where}${lineOf(path, doc, lines)}`;
  };
  const msgs = err.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const full = [...path, k];
        const hint = suggest(k, knownKeys(path));
        return `${at(full)}: unknown key ${full.join('.')}${hint ? ` (did you mean ${[...path, hint].join('.')}?)` : ''}`;
      }).join('\n');
    }
    return `${at(path)}: ${path.join('.') || '(top level)'}: ${issue.message}`;
  });
  return `invalid configuration:\n${msgs.join('\n')}`;
}

function lineOf(path: string[], doc?: Document, lines?: LineCounter): string {
  if (!doc || !lines) return '';
  // Point at the key itself where we can (unknown keys), else at its value.
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  let offset: number | undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === path[path.length - 1]);
    offset = (pair?.key as { range?: [number] } | undefined)?.range?.[0];
  }
  if (offset === undefined) offset = (doc.getIn(path, true) as { range?: [number] } | undefined)?.range?.[0];
  return offset === undefined ? '' : `:${lines.linePos(offset).line}`;
}

/** Known keys at a path in the schema. */
function knownKeys(path: string[]): string[] {
  let node: z.ZodType = configSchema;
  for (const p of path) {
    const shape = objectShape(node);
    if (!shape?.[p]) return [];
    node = shape[p]!;
  }
  return Object.keys(objectShape(node) ?? {});
}

function objectShape(t: z.ZodType): Record<string, z.ZodType> | undefined {
  let cur = t as unknown as { def: { type: string; innerType?: unknown; shape?: Record<string, z.ZodType> } };
  while (cur.def.innerType) cur = cur.def.innerType as typeof cur;
  return cur.def.type === 'object' ? cur.def.shape : undefined;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
