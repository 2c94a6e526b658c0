/**
 * A request id as support staff paste it (uuid with dashes, upper case, the
 * 32-hex form, or any other string) turned into the Zipkin trace ids to look
 * up. The sidecar's own mapping comes first, so both agree, including for ids
 * the sidecar had to hash; a 16- or 32-hex id copied from Zipkin's UI is
 * also tried as it is.
 */
import { traceIdFor } from '../assemble/ids.js';

const HEX16_OR_32 = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

export function traceIdCandidates(requestId: string): string[] {
  const trimmed = requestId.trim();
  const mapped = traceIdFor(trimmed).traceId;
  const asIs = trimmed.toLowerCase();
  return HEX16_OR_32.test(asIs) && asIs !== mapped ? [mapped, asIs] : [mapped];
}
