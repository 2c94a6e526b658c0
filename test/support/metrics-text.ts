// Reads Prometheus text and OpenMetrics exposition into samples, so tests can
// ask for one series' value (and its exemplar) by name and labels.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar?: { labels: Record<string, string>; value: number };
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})? (\S+)(?: \S+)?(?: # \{(.*?)\} (\S+)(?: \S+)?)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function labels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const m of text.matchAll(LABEL)) out[m[1]!] = m[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
  return out;
}

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not a metrics line: ${line}`);
    const s: Sample = { name: m[1]!, labels: labels(m[2]), value: Number(m[3]) };
    if (m[4] !== undefined) s.exemplar = { labels: labels(m[4]), value: Number(m[5]) };
    out.push(s);
  }
  return out;
}

/** The samples named `name` whose labels include all of `want`. */
export function find(samples: Sample[], name: string, want: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v));
}

/** The one sample's value; undefined when there is none; throws when several match. */
export function value(samples: Sample[], name: string, want: Record<string, string> = {}): number | undefined {
  const found = find(samples, name, want);
  if (found.length > 1) throw new Error(`${found.length} samples match ${name} ${JSON.stringify(want)}`);
  return found[0]?.value;
}
