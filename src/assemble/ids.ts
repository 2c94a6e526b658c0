/**
 * Trace and span ids, derived deterministically so that every sidecar (the
 * caller's and the callee's) computes the same ids without seeing the other's
 * logs, and a re-read line yields the same ids (Zipkin then merges, not duplicates).
 *
 *   traceId = request id as 32 lowercase hex (uuid dashes / upper case
 *             normalised; anything else hashed with SHA-256)
 *   spanId  = first 16 hex of SHA-256("<traceId>/<spanPath>/<side>")
 */
import * as crypto from 'node:crypto';

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

// crypto.hash (Node 20.12+) is a one-shot digest, about four times cheaper than a Hash object.
const oneShotHash = (crypto as { hash?: typeof crypto.hash }).hash;

function sha256Hex(s: string): string {
  return oneShotHash ? oneShotHash('sha256', s, 'hex') : crypto.createHash('sha256').update(s).digest('hex');
}

/** A request id's trace id, and the SERVER span ids derived for it so far. */
export interface TraceEntry extends TraceIdResult {
  serverSpanIds: Map<string, string>;
}

/**
 * Ids of recent traces, so that each is derived once: a SERVER span's id is
 * also the parent id of every call it makes, and a trace's events come
 * interleaved with other requests'. Bounded, in two generations: when the
 * current one is full it becomes the previous one and the older is dropped
 * (a trace that comes back later has its ids derived again, the same ones).
 */
export class TraceIds {
  private current = new Map<string, TraceEntry>();
  private previous = new Map<string, TraceEntry>();

  constructor(private readonly tracesPerGeneration = 2048) {}

  trace(requestId: string): TraceEntry {
    let t = this.current.get(requestId);
    if (t !== undefined) return t;
    t = this.previous.get(requestId);
    if (t === undefined) {
      const r = traceIdFor(requestId);
      t = { traceId: r.traceId, how: r.how, serverSpanIds: new Map() };
    }
    if (this.current.size >= this.tracesPerGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(requestId, t);
    return t;
  }

  /** spanIdFor(traceId, spanPath, 'server'), remembered with the trace. */
  serverSpanId(t: TraceEntry, spanPath: string): string {
    let id = t.serverSpanIds.get(spanPath);
    if (id === undefined) {
      id = spanIdFor(t.traceId, spanPath, 'server');
      t.serverSpanIds.set(spanPath, id);
    }
    return id;
  }
}
