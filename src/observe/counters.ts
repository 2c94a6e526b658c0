/**
 * Named counters for everything the pipeline reads, converts, skips, rejects,
 * cuts or drops: nothing is lost silently, and each reason is counted once.
 * Names are "<group>.<reason>", e.g. "skipped.not_json", "rejected.invalid_span_id".
 * A few names are gauges, set rather than counted (checkpoint.lag_bytes).
 * /metrics reads these by name at scrape time (observe/self-metrics.ts), so
 * counting stays a Map update on the hot path.
 */
/**
 * The names "<group>.<key>" of a group, made once: a name built per event
 * (`skipped.${reason}`) is a new string to hash on every increment.
 */
export function counterNames<K extends string>(group: string, keys: readonly K[]): Readonly<Record<K, string>> {
  return Object.fromEntries(keys.map((k) => [k, `${group}.${k}`])) as Record<K, string>;
}

export class Counters {
  private readonly values = new Map<string, number>();
  private listener?: (name: string, by: number) => void;

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
    this.listener?.(name, by);
  }

  /** A gauge: the current value replaces the last (e.g. checkpoint.lag_seconds). */
  set(name: string, value: number): void {
    this.values.set(name, value);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Called on every increment (the metrics endpoint mirrors counters this way). */
  onIncrement(listener: (name: string, by: number) => void): void {
    this.listener = listener;
  }

  /** Counters of one group as { reason: count }, e.g. group("skipped"). */
  group(prefix: string): Record<string, number> {
    const out: Record<string, number> = {};
    const p = `${prefix}.`;
    for (const [k, v] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) {
      if (k.startsWith(p)) out[k.slice(p.length)] = v;
    }
    return out;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => a.localeCompare(b)));
  }
}
