/**
 * HTTP status as logged -> numeric code: "503 Service Unavailable" -> 503,
 * "200" -> 200, 200 -> 200. A code outside 100..599, or text without a
 * leading three-digit code ("OK"), gives no code.
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SPACE = 0x20;

export function httpStatusCode(status: unknown): number | undefined {
  if (typeof status === 'number') return isStatusCode(status) ? status : undefined;
  if (typeof status !== 'string') return undefined;
  let i = 0;
  while (i < status.length && status.charCodeAt(i) === SPACE) i++;
  let code = 0;
  let digits = 0;
  for (; i < status.length; i++) {
    const c = status.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) break;
    if (++digits > 3) return undefined;
    code = code * 10 + (c - DIGIT_0);
  }
  if (digits !== 3) return undefined;
  if (i < status.length && status.charCodeAt(i) !== SPACE) return undefined; // "200OK", "200.5"
  return isStatusCode(code) ? code : undefined;
}

function isStatusCode(n: number): boolean {
  return Number.isInteger(n) && n >= 100 && n <= 599;
}
