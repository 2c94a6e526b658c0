/**
 * A request path in, a route-like template out, so one endpoint is one metric
 * series however many ids it is called with:
 *   /users/42/orders/9f1c...   -> /users/:id/orders/:hex
 * Segments replaced: decimal numbers (:id), UUIDs (:uuid), hex strings of 8+
 * characters with a digit (:hex), e-mail addresses (:email), and any segment
 * over 40 characters or mixing letters with 4+ digits (:token). The query
 * string and fragment are dropped. Pure.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const DIGIT_RUN = /\d{4,}/;
const MAX_SEGMENT_CHARS = 40;

export function templatePath(path: string): string {
  const end = path.search(/[?#]/);
  const bare = end === -1 ? path : path.slice(0, end);
  if (bare === '' || bare === '/') return '/';
  return bare.split('/').map(templateSegment).join('/');
}

function templateSegment(segment: string): string {
  if (segment === '') return segment;
  // Fast path (most segments are words): no digit, no escape, no "@", not long.
  let plainWord = segment.length <= MAX_SEGMENT_CHARS;
  for (let i = 0; plainWord && i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 37 /* % */ || c === 64 /* @ */) plainWord = false;
  }
  if (plainWord) return segment;
  let s = segment;
  if (segment.includes('%')) {
    try {
      s = decodeURIComponent(segment);
    } catch {
      // A broken %-escape is still a segment; template it as written.
    }
  }
  if (NUMBER.test(s)) return ':id';
  if (UUID.test(s)) return ':uuid';
  if (HEX.test(s)) return ':hex';
  if (EMAIL.test(s)) return ':email';
  if (s.length > MAX_SEGMENT_CHARS || DIGIT_RUN.test(s)) return ':token';
  return segment;
}
