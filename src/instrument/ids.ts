/**
 * The two propagated ids: the request id (X-Hulu-Request-Id, 32 lowercase
 * hex) and the span path (X-Hulu-Span-Id, dotted decimal such as "1.2.3").
 */
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Hulu-Request-Id';
export const SPAN_ID_HEADER = 'X-Hulu-Span-Id';
/** Lowercase forms, as node:http reports incoming header names. */
export const REQUEST_ID_HEADER_LC = 'x-hulu-request-id';
export const SPAN_ID_HEADER_LC = 'x-hulu-span-id';
/** The span of the first service, and of any request with a missing or invalid span header. */
export const ROOT_SPAN_PATH = '1';

const HEX32_LOWER = /^[0-9a-f]{32}$/;
const HEX32_ANY_CASE = /^[0-9a-fA-F]{32}$/;
const UUID_DASHED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Components are positive integers without leading zeros; the bounds keep a
// hostile header from producing huge ids (64 levels of up to 9 digits).
const SPAN_PATH = /^[1-9][0-9]{0,8}(?:\.[1-9][0-9]{0,8}){0,63}$/;

/** A new request id: a uuid4 without dashes. */
export function newRequestId(): string {
  const u = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  return u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24);
}

/**
 * The request id in its canonical form (32 lowercase hex), or undefined when
 * the value is not a uuid (with or without dashes, any case).
 */
export function normaliseRequestId(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  if (HEX32_LOWER.test(raw)) return raw;
  if (HEX32_ANY_CASE.test(raw)) return raw.toLowerCase();
  if (UUID_DASHED.test(raw)) return raw.replace(/-/g, '').toLowerCase();
  return undefined;
}

/** The span path from a header value, or ROOT_SPAN_PATH when missing or invalid. */
export function spanPathOrRoot(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw !== undefined && SPAN_PATH.test(raw) ? raw : ROOT_SPAN_PATH;
}
