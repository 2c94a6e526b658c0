/**
 * The schema read back as a catalogue: every section and key in declaration
 * order, with its type, default, unit, description, secrecy and environment
 * variable. Derived from the zod schema through its JSON Schema, so the
 * environment mapping, the example file and the README table cannot drift
 * from it.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** How a value given as text (environment variable, --set) is read. */
export type KeyKind = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'map';

export interface ConfigKey {
  node: 'key';
  path: string[];
  /** Dotted path, e.g. "zipkin.url". */
  name: string;
  kind: KeyKind;
  /** For a list: how each item is read. */
  itemKind?: KeyKind;
  /** Human-readable type for the reference table, e.g. "integer ≥ 1". */
  typeText: string;
  default: unknown;
  unit?: string;
  description: string;
  /** print-config masks the value (for a map: each value). */
  secret: boolean;
  envVar: string;
}

export interface ConfigSection {
  node: 'section';
  path: string[];
  name: string;
  description: string;
  children: ConfigNode[];
}

export type ConfigNode = ConfigKey | ConfigSection;

export const ENV_PREFIX = 'REQUESTFLOW_';

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  unit?: string;
  secret?: boolean;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
}

let cached: ConfigSection | undefined;

/** The whole schema as a tree (the root section has an empty path). */
export function configTree(): ConfigSection {
  cached ??= section([], z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchema);
  return cached;
}

/** Every key, depth first in declaration order. */
export function configKeys(): ConfigKey[] {
  const out: ConfigKey[] = [];
  const walk = (s: ConfigSection) => {
    for (const c of s.children) {
      if (c.node === 'key') out.push(c);
      else walk(c);
    }
  };
  walk(configTree());
  return out;
}

export function findKey(name: string): ConfigKey | undefined {
  return configKeys().find((k) => k.name === name);
}

/** REQUESTFLOW_ + each path segment in UPPER_SNAKE_CASE: zipkin.localIp -> REQUESTFLOW_ZIPKIN_LOCAL_IP. */
export function envVarFor(path: readonly string[]): string {
  return ENV_PREFIX + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function section(path: string[], js: JsonSchema): ConfigSection {
  const children: ConfigNode[] = [];
  for (const [name, child] of Object.entries(js.properties ?? {})) {
    const p = [...path, name];
    children.push(child.properties ? section(p, child) : leaf(p, child));
  }
  return { node: 'section', path, name: path.join('.'), description: js.description ?? '', children };
}

function leaf(path: string[], js: JsonSchema): ConfigKey {
  return {
    node: 'key',
    path,
    name: path.join('.'),
    kind: kindOf(js),
    itemKind: js.type === 'array' && js.items ? kindOf(js.items) : undefined,
    typeText: typeText(js),
    default: js.default,
    unit: js.unit,
    description: js.description ?? '',
    secret: js.secret === true,
    envVar: envVarFor(path),
  };
}

function kindOf(js: JsonSchema): KeyKind {
  if (js.anyOf?.length) return kindOf(js.anyOf[0]!);
  switch (js.type) {
    case 'array': return 'list';
    case 'object': return 'map';
    case 'integer': return 'integer';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    default: return 'string';
  }
}

const FORMAT_NAMES: Record<string, string> = { uri: 'URL', ipv4: 'IPv4 address', ipv6: 'IPv6 address' };

function typeText(js: JsonSchema): string {
  if (js.anyOf?.length) return js.anyOf.map(typeText).join(' or ');
  if (js.const !== undefined) return js.const === '' ? 'empty' : JSON.stringify(js.const);
  if (js.enum) return `one of ${js.enum.map((v) => String(v)).join(', ')}`;
  switch (js.type) {
    case 'array': return `list of ${js.items ? typeText(js.items) : 'values'}`;
    case 'object': {
      const values = typeof js.additionalProperties === 'object' ? typeText(js.additionalProperties) : 'values';
      return `map of string to ${values}`;
    }
    case 'integer':
    case 'number': return `${js.type}${range(js)}`;
    case 'string': return js.format ? FORMAT_NAMES[js.format] ?? js.format : 'string';
    default: return js.type ?? 'value';
  }
}

function range(js: JsonSchema): string {
  const max = js.maximum !== undefined && js.maximum < Number.MAX_SAFE_INTEGER ? js.maximum : undefined;
  if (js.minimum !== undefined && max !== undefined) return ` ${js.minimum}–${max}`;
  if (js.minimum !== undefined) return ` ≥ ${js.minimum}`;
  if (js.exclusiveMinimum !== undefined) return ` > ${js.exclusiveMinimum}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}
