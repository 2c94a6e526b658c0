/**
 * Event timestamps: seconds since the epoch as a float with microseconds,
 * monotonic within the process so events of one span keep their order.
 */

// The monotonic clock is re-anchored to the wall clock when they drift apart
// (NTP steps, suspend), so written times stay comparable with other hosts.
const MAX_DRIFT_MS = 5;

let offsetMs = Date.now() - performance.now();
let lastUs = 0;

/** Whole microseconds since the epoch. */
export function nowMicros(): number {
  const mono = performance.now();
  const wall = Date.now();
  if (Math.abs(offsetMs + mono - wall) > MAX_DRIFT_MS) offsetMs = wall - mono;
  let us = Math.round((offsetMs + mono) * 1000);
  // A re-anchor backwards must not reorder events already written.
  if (us <= lastUs) us = lastUs + 1;
  lastUs = us;
  return us;
}

/** Seconds since the epoch with six decimals, as the log format writes `timestamp`. */
export function microsToSeconds(us: number): number {
  return us / 1e6;
}
