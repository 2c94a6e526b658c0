/**
 * The reject result shared by the decoder's helpers, and the type test the
 * helpers' callers use to tell a rejection from a value.
 */

import type { DecodeResult, JsonObject, RejectReason } from './log-event.js';

export type Rejection = Extract<DecodeResult, { kind: 'reject' }>;

export function reject(reason: RejectReason, detail: string): Rejection {
  return { kind: 'reject', reason, detail };
}

export function isRejection(value: object): value is Rejection {
  return (value as { kind?: unknown }).kind === 'reject';
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
