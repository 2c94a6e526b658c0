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
  const service = String(span.attributes['service.name'] ?? 'unknown');
  const z: ZipkinSpan = toZipkinSpan(span, service, STATUS_CODE_TAG, ERROR_TAG);
  // service.name already is localEndpoint.serviceName; as a tag it is noise.
  delete z.tags['service.name'];
  if (opts.localIp) z.localEndpoint = { ...z.localEndpoint, [opts.localIp.includes(':') ? 'ipv6' : 'ipv4']: opts.localIp };
  const peer = z.tags[TAG.peerService];
  if (z.kind === 'CLIENT' && typeof peer === 'string' && peer) z.remoteEndpoint = { serviceName: peer };
  return z;
}

const HEX16 = /^[0-9a-f]{16}$/;
const HEX16_OR_32 = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const ZEROS = /^0+$/;

/**
 * Why Zipkin would refuse this span (it refuses the whole POST for one bad
 * span), or undefined when it is fine.
 */
export function zipkinSpanProblem(z: ZipkinSpan): string | undefined {
  if (!HEX16_OR_32.test(z.traceId)) return 'traceId is not 16 or 32 lowercase hex';
  if (ZEROS.test(z.traceId)) return 'traceId is all zeros';
  if (!HEX16.test(z.id)) return 'id is not 16 lowercase hex';
  if (ZEROS.test(z.id)) return 'id is all zeros';
  if (z.parentId !== undefined && !HEX16.test(z.parentId)) return 'parentId is not 16 lowercase hex';
  if (!Number.isSafeInteger(z.timestamp) || z.timestamp <= 0) return 'timestamp is not a positive whole number of microseconds';
  if (!Number.isSafeInteger(z.duration) || z.duration < 1) return 'duration is not a whole number of microseconds >= 1';
  for (const [k, v] of Object.entries(z.tags)) {
    if (typeof v !== 'string') return `tag ${k} is not a string`;
  }
  for (const a of z.annotations ?? []) {
    if (!Number.isSafeInteger(a.timestamp) || a.timestamp <= 0) return 'annotation timestamp is not a whole number of microseconds';
  }
  return undefined;
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
  for (const k in z.tags) n += k.length + String(z.tags[k]).length + 6;
  if (z.annotations) for (const a of z.annotations) n += a.value.length + ANNOTATION_JSON_OVERHEAD_BYTES;
  return n;
}
