/**
 * Config values given as text, above the YAML file: environment variables,
 * then flags (--set key=value, --zipkin-url). In: the environment or the flag
 * list. Out: dotted key -> value, plus where each came from for messages.
 * Unknown names stop start-up with a did-you-mean; a value of the wrong type
 * is left for the schema to report, naming its origin.
 *
 * Environment variables, derived from the schema:
 *   REQUESTFLOW_<SECTION>_<KEY> in UPPER_SNAKE_CASE, e.g. zipkin.url -> REQUESTFLOW_ZIPKIN_URL,
 *   export.batchMaxSpans -> REQUESTFLOW_EXPORT_BATCH_MAX_SPANS.
 * A few well-known variables (ENV_ALIASES: the downward-API variables a pod
 * spec passes, and REQUESTFLOW_CONTAINER) fill their keys too, below any
 * REQUESTFLOW_<SECTION>_<KEY> variable; an alias whose key the schema does
 * not (yet) declare is ignored.
 */
import { ConfigError } from './config-error.js';
import { configKeys, ENV_PREFIX, findKey, type ConfigKey, type KeyKind } from './config-keys.js';
import { suggest } from './did-you-mean.js';

export type Overrides = Record<string, unknown>;

export interface OverrideLayer {
  /** Dotted key -> value. */
  values: Overrides;
  /** Dotted key -> where it came from, e.g. "environment variable REQUESTFLOW_ZIPKIN_URL". */
  origins: Record<string, string>;
}

/** Well-known variable -> the config key it fills (the Kubernetes mode's keys come with the log-file reader). */
export const ENV_ALIASES: Readonly<Record<string, string>> = {
  POD_IP: 'zipkin.localIp',
  POD_NAMESPACE: 'tail.kubernetes.namespace',
  POD_NAME: 'tail.kubernetes.podName',
  POD_UID: 'tail.kubernetes.podUid',
  REQUESTFLOW_CONTAINER: 'tail.kubernetes.container',
};

export function emptyLayer(): OverrideLayer {
  return { values: {}, origins: {} };
}

export function envLayer(env: NodeJS.ProcessEnv): OverrideLayer {
  const layer = emptyLayer();
  for (const [variable, keyName] of Object.entries(ENV_ALIASES)) {
    const text = env[variable];
    const key = findKey(keyName);
    if (key && text !== undefined && text !== '') put(layer, key.name, parseText(key, text, `environment variable ${variable}`), `environment variable ${variable}`);
  }
  const byVar = new Map(configKeys().map((k) => [k.envVar, k]));
  for (const [variable, text] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!variable.startsWith(ENV_PREFIX) || text === undefined || variable in ENV_ALIASES) continue;
    const key = byVar.get(variable);
    if (!key) {
      const hint = suggest(variable, [...byVar.keys()]);
      throw new ConfigError(`environment variable ${variable} is not a configuration key${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
    const origin = `environment variable ${variable}`;
    put(layer, key.name, parseText(key, text, origin), origin);
  }
  return layer;
}

/** `--set key=value` flags, in order (a later one wins); a key inside a map is allowed: zipkin.headers.authorization=... */
export function setFlagsLayer(flags: readonly string[]): OverrideLayer {
  const layer = emptyLayer();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set ${flag}: expected key=value, e.g. --set zipkin.url=http://zipkin:9411/api/v2/spans`);
    const name = flag.slice(0, eq).trim();
    const text = flag.slice(eq + 1);
    const origin = `--set ${name}`;
    const key = findKey(name);
    if (key) {
      put(layer, name, parseText(key, text, origin), origin);
      continue;
    }
    const map = configKeys().find((k) => k.kind === 'map' && name.startsWith(`${k.name}.`));
    if (map) {
      put(layer, name, text, origin);
      continue;
    }
    const hint = suggest(name, configKeys().map((k) => k.name));
    throw new ConfigError(`${origin}: unknown key ${name}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  return layer;
}

/** One named flag for one key (e.g. --zipkin-url). */
export function flagLayer(flag: string, keyName: string, text: string | undefined): OverrideLayer {
  const layer = emptyLayer();
  const key = findKey(keyName);
  if (!key) throw new Error(`flag ${flag} names no configuration key ${keyName}`);
  if (text !== undefined) put(layer, keyName, parseText(key, text, flag), flag);
  return layer;
}

/** Later layers win. */
export function mergeLayers(...layers: OverrideLayer[]): OverrideLayer {
  const out = emptyLayer();
  for (const l of layers) {
    Object.assign(out.values, l.values);
    Object.assign(out.origins, l.origins);
  }
  return out;
}

/**
 * Text to a value of the key's kind. Text that does not read as that kind is
 * passed on unchanged, so the schema's message (with the origin) explains it.
 *   integer, number  "250"
 *   boolean          true/false, 1/0, yes/no
 *   list             a,b,c  or a JSON array
 *   map              a JSON object
 */
export function parseText(key: ConfigKey, text: string, origin: string): unknown {
  switch (key.kind) {
    case 'list': {
      const trimmed = text.trim();
      if (trimmed.startsWith('[')) return parseJson(trimmed, origin, 'a JSON array');
      if (trimmed === '') return [];
      return trimmed.split(',').map((s) => scalar(key.itemKind ?? 'string', s.trim()));
    }
    case 'map':
      return parseJson(text, origin, 'a JSON object, e.g. {"authorization": "Bearer ..."}');
    default:
      return scalar(key.kind, text);
  }
}

function scalar(kind: KeyKind, text: string): unknown {
  switch (kind) {
    case 'integer':
    case 'number': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (t === 'true' || t === '1' || t === 'yes') return true;
      if (t === 'false' || t === '0' || t === 'no') return false;
      return text;
    }
    default:
      return text;
  }
}

function parseJson(text: string, origin: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${origin}: expected ${what}: ${(e as Error).message}`);
  }
}

function put(layer: OverrideLayer, name: string, value: unknown, origin: string): void {
  layer.values[name] = value;
  layer.origins[name] = origin;
}
