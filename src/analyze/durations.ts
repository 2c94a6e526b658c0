/** Command-line durations such as "90s", "15m", "1h", "2d", "500ms" in milliseconds. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`not a duration: "${text}" (use e.g. 30m, 1h, 2d)`);
  // A bare number is minutes: lookbacks are never meant in milliseconds.
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'm']!;
  if (ms <= 0) throw new Error(`duration must be positive: "${text}"`);
  return Math.round(ms);
}
