/**
 * Config in: a YAML file (optional), `${VAR}` references expanded from the
 * environment, then command-line overrides. Config out: one validated, frozen
 * Config, or a ConfigError naming the file, the key path, the line and, for an
 * unknown key, the nearest known one. Validation happens once, here, before
 * any log file is opened.
 */
import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Overrides = Record<string, unknown>;

export interface LoadOptions {
  file?: string;
  /** Dotted key -> value, e.g. { 'zipkin.url': 'http://...' }; undefined values are ignored. */
  overrides?: Overrides;
  env?: NodeJS.ProcessEnv;
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
    doc = parseDocument(expandEnv(text, env, opts.file), { lineCounter: lines, prettyErrors: true });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      throw new ConfigError(`${opts.file}: invalid YAML at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    }
    raw = doc.toJS() ?? {};
  }
  const merged = applyOverrides(raw, opts.overrides ?? {});
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(describeIssues(result.error, where, doc, lines));
  return deepFreeze(result.data);
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

function applyOverrides(raw: unknown, overrides: Overrides): unknown {
  const out = structuredClone(raw ?? {}) as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
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

function describeIssues(err: z.ZodError, where: string, doc?: Document, lines?: LineCounter): string {
  const msgs = err.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const full = [...path, k];
        const hint = suggest(k, knownKeys(path));
        return `${where}${lineOf(full, doc, lines)}: unknown key ${full.join('.')}${hint ? ` (did you mean ${[...path, hint].join('.')}?)` : ''}`;
      }).join('\n');
    }
    return `${where}${lineOf(path, doc, lines)}: ${path.join('.') || '(top level)'}: ${issue.message}`;
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

export function suggest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
