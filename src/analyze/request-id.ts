/**
 * A request id as support staff paste it (uuid with dashes, upper case, the
 * 32-hex form, or any other string) turned into the Zipkin trace id the
 * sidecar stored it under. Reuses the sidecar's own mapping so both agree,
 * including for ids the sidecar had to hash.
 */
import { traceIdFor } from '../assemble/ids.js';

const HEX16 = /^[0-9a-fA-F]{16}$/;

export function traceIdForRequestId(requestId: string): string {
  const trimmed = requestId.trim();
  // A 64-bit Zipkin trace id (from Zipkin's UI) is already a trace id.
  if (HEX16.test(trimmed)) return trimmed.toLowerCase();
  return traceIdFor(trimmed).traceId;
}
