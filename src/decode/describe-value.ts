/**
 * Short human descriptions of log values for reject details: strings are
 * quoted and cut, so a 1 MiB field never ends up in a detail or a log.
 */

const MAX_SHOWN_CHARS = 40;

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'absent';
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}
