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

/**
 * Why text cannot be a request id (a usage error), or undefined. Any other
 * string may have been logged as a tracking_id (the sidecar hashes it).
 *   empty                      nothing to look up
 *   whitespace, control chars  no header value carries them: two ids, or a log line, pasted
 *   all zeros (hex or uuid)    the invalid id; services replace it, so it is never a trace
 */
export function requestIdProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'the request id is empty';
  if (/[\s\u0000-\u001f\u007f]/.test(trimmed)) return `a request id has no spaces or control characters: ${JSON.stringify(trimmed)}`;
  const hex = trimmed.replace(/-/g, '');
  if (/^0+$/.test(hex) && (hex.length === 16 || hex.length === 32)) return `${trimmed} is the all-zero id, which is never a trace: services replace it with a new one`;
  return undefined;
}
