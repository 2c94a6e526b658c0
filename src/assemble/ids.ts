/**
 * Trace and span ids, derived deterministically so that every sidecar (the
 * caller's and the callee's) computes the same ids without seeing the other's
 * logs, and a re-read line yields the same ids (Zipkin then merges, not duplicates).
 *
 *   traceId = request id as 32 lowercase hex (uuid dashes / upper case
 *             normalised; anything else hashed with SHA-256)
 *   spanId  = first 16 hex of SHA-256("<traceId>/<spanPath>/<side>")
 */
import { createHash } from 'node:crypto';

export type SpanSide = 'server' | 'client';

const HEX32 = /^[0-9a-f]{32}$/;
const UUIDISH = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface TraceIdResult {
  traceId: string;
  /** How the request id became a trace id. */
  how: 'as_is' | 'normalised' | 'hashed';
}

export function traceIdFor(requestId: string): TraceIdResult {
  if (HEX32.test(requestId) && requestId !== ZERO_TRACE) return { traceId: requestId, how: 'as_is' };
  if (UUIDISH.test(requestId)) {
    const traceId = requestId.replace(/-/g, '').toLowerCase();
    if (traceId !== ZERO_TRACE) return { traceId, how: 'normalised' };
  }
  return { traceId: sha256Hex(`requestflow/request-id/${requestId}`).slice(0, 32), how: 'hashed' };
}

export function spanIdFor(traceId: string, spanPath: string, side: SpanSide): string {
  const digest = sha256Hex(`${traceId}/${spanPath}/${side}`);
  const id = digest.slice(0, 16);
  // An all-zero span id is invalid in Zipkin and OpenTelemetry; astronomically rare, but cheap to rule out.
  return id === ZERO_SPAN ? digest.slice(16, 32) : id;
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
