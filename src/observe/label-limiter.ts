/**
 * Bounded label cardinality: each label (service, endpoint, callee, ...)
 * keeps at most `maxValues` distinct values; a value seen after that becomes
 * "other". The values refused are counted per label (distinct values, up to
 * MAX_REFUSED_TRACKED each), so a runaway label shows in the metrics instead
 * of blowing up Prometheus, and scraping twice does not count twice.
 */
export const OTHER = 'other';
const MAX_REFUSED_TRACKED = 10_000;

export class LabelLimiter {
  private readonly seen = new Map<string, Set<string>>();
  private readonly refused = new Map<string, Set<string>>();

  constructor(private readonly maxValues: number) {}

  value(label: string, v: string): string {
    let values = this.seen.get(label);
    if (!values) {
      values = new Set();
      this.seen.set(label, values);
    }
    if (values.has(v)) return v;
    if (values.size < this.maxValues) {
      values.add(v);
      return v;
    }
    let refused = this.refused.get(label);
    if (!refused) {
      refused = new Set();
      this.refused.set(label, refused);
    }
    if (refused.size < MAX_REFUSED_TRACKED) refused.add(v);
    return OTHER;
  }

  /** Distinct values turned into "other", per label. */
  overflowCounts(): Map<string, number> {
    return new Map([...this.refused].map(([label, values]) => [label, values.size]));
  }
}
