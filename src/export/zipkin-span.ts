/**
 * ReadableSpan -> Zipkin v2 span, through @opentelemetry/exporter-zipkin's own
 * transform, then completed with what the stock transform leaves out:
 *   - remoteEndpoint.serviceName for CLIENT spans (from peer.service), so Zipkin
 *     links calls to callees that never log (databases, caches) in its
 *     dependency graph and labels the call in the trace view;
 *   - localEndpoint.ipv4 or .ipv6 (the pod IP), which Zipkin's UI needs to correct clock
 *     skew between a CLIENT span and its SERVER child on another host.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { toZipkinSpan } from '@opentelemetry/exporter-zipkin/build/src/transform.js';
import type { Endpoint, Span as StockZipkinSpan } from '@opentelemetry/exporter-zipkin/build/src/types.js';
import { TAG } from '../assemble/tag-names.js';

/** The stock Zipkin span type, plus the remoteEndpoint the stock transform never sets. */
export type ZipkinSpan = StockZipkinSpan & { remoteEndpoint?: Endpoint };

export const STATUS_CODE_TAG = 'otel.status_code';
export const ERROR_TAG = 'error';

export interface ZipkinSpanOptions {
  /** The pod's IPv4 or IPv6 address; empty for none. */
  localIp: string;
}

export function toZipkin(span: ReadableSpan, opts: ZipkinSpanOptions): ZipkinSpan {
  const service = span.attributes['service.name'];
  const z: ZipkinSpan = toZipkinSpan(span, typeof service === 'string' ? service : String(service ?? 'unknown'), STATUS_CODE_TAG, ERROR_TAG);
  // service.name already is localEndpoint.serviceName; as a tag it is noise.
  // Set to undefined, not deleted: JSON.stringify leaves it out either way,
  // and `delete` would turn every span's tags into a slow dictionary object.
  (z.tags as Record<string, string | undefined>)['service.name'] = undefined;
  // The transform made this endpoint for this span alone: completed in place.
  if (opts.localIp) {
    if (opts.localIp.includes(':')) (z.localEndpoint as { ipv6?: string }).ipv6 = opts.localIp; // the stock type has no ipv6
    else z.localEndpoint.ipv4 = opts.localIp;
  }
  const peer = z.tags[TAG.peerService];
  if (z.kind === 'CLIENT' && typeof peer === 'string' && peer) z.remoteEndpoint = { serviceName: peer };
  return z;
}

/**
 * Why Zipkin would refuse this span (it refuses the whole POST for one bad
 * span), or undefined when it is fine. Called for every span: loops, not
 * regular expressions and entry arrays.
 */
export function zipkinSpanProblem(z: ZipkinSpan): string | undefined {
  const t = z.traceId;
  if (typeof t !== 'string' || (t.length !== 16 && t.length !== 32) || !isLowerHex(t)) return 'traceId is not 16 or 32 lowercase hex';
  if (isZeros(t)) return 'traceId is all zeros';
  if (typeof z.id !== 'string' || z.id.length !== 16 || !isLowerHex(z.id)) return 'id is not 16 lowercase hex';
  if (isZeros(z.id)) return 'id is all zeros';
  if (z.parentId !== undefined && (typeof z.parentId !== 'string' || z.parentId.length !== 16 || !isLowerHex(z.parentId))) return 'parentId is not 16 lowercase hex';
  if (!Number.isSafeInteger(z.timestamp) || z.timestamp <= 0) return 'timestamp is not a positive whole number of microseconds';
  if (!Number.isSafeInteger(z.duration) || z.duration < 1) return 'duration is not a whole number of microseconds >= 1';
  const tags = z.tags as Record<string, unknown>;
  for (const k in tags) {
    const v = tags[k];
    // undefined: a tag left out of the JSON (service.name, above).
    if (typeof v !== 'string' && v !== undefined) return `tag ${k} is not a string`;
  }
  if (z.annotations) {
    for (const a of z.annotations) {
      if (!Number.isSafeInteger(a.timestamp) || a.timestamp <= 0) return 'annotation timestamp is not a whole number of microseconds';
    }
  }
  return undefined;
}

/** 0-9 and a-f only. */
function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function isZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 0x30) return false;
  return true;
}

/**
 * Fixed JSON of a span at its longest: keys, punctuation, 32+16+16 hex ids,
 * 16-digit times, the longest kind, an ipv4 and both endpoints' keys.
 */
const SPAN_JSON_OVERHEAD_BYTES = 320;
/** One annotation besides its text: {"timestamp":<16 digits>,"value":""}, */
const ANNOTATION_JSON_OVERHEAD_BYTES = 45;

/**
 * A span's JSON size estimated from its string lengths, without serialising
 * it (the transport does that once): at least the real size for ASCII text
 * that needs no escapes. Non-ASCII text and escapes make the real size
 * larger: the default batchMaxBytes (4 MiB) leaves 2.5 times that room under
 * Zipkin's 10 MiB limit.
 */
export function approxJsonBytes(z: ZipkinSpan): number {
  let n = SPAN_JSON_OVERHEAD_BYTES + (z.name?.length ?? 0)
    + (z.localEndpoint?.serviceName?.length ?? 0) + (z.remoteEndpoint?.serviceName?.length ?? 0);
  const tags = z.tags as Record<string, string | undefined>;
  for (const k in tags) {
    const v = tags[k];
    if (v !== undefined) n += k.length + v.length + 6;
  }
  if (z.annotations) for (const a of z.annotations) n += a.value.length + ANNOTATION_JSON_OVERHEAD_BYTES;
  return n;
}
