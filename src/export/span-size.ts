/**
 * A span's size as the export queue bounds it: the characters of its name,
 * tags and annotations (about its Zipkin JSON size, and what its heap grows
 * with). A loop over what the span already holds: no serialisation.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export function spanTextLength(s: ReadableSpan): number {
  let n = s.name.length;
  const attributes = s.attributes;
  for (const k in attributes) {
    const v = attributes[k];
    n += k.length + (typeof v === 'string' ? v.length : 8);
  }
  for (const e of s.events) n += e.name.length;
  if (s.status.message) n += s.status.message.length;
  return n;
}
