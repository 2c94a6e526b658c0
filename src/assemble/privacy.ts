/**
 * What of a request may leave the pod. By default no header, cookie, body or
 * argument value does: each kind is exported only when the config allow-lists
 * it, and names that look like credentials are redacted even then.
 */
import { parseLenientJson } from '../decode/lenient-json.js';
import type { Json, JsonObject } from '../decode/log-event.js';

export interface PrivacyOptions {
  /** Request header names (case-insensitive) exported as tags http.request.header.<name>. */
  requestHeaders: readonly string[];
  /** Response header names exported as tags http.response.header.<name>. */
  responseHeaders: readonly string[];
  /** Query parameter names exported in the http.query tag; "*" for all. */
  queryParams: readonly string[];
  /** Export request and response bodies (cut to the tag length). */
  bodies: boolean;
  /** Export dependency call arguments (args, kwargs). */
  dependencyArgs: boolean;
  /** Names matching this (case-insensitive) are redacted even when allow-listed. */
  sensitiveNamePattern: string;
}

export const REDACTED = '[redacted]';

export interface Redactor {
  isSensitive(name: string): boolean;
  /** Allow-listed headers as tags; sensitive names redacted. */
  headerTags(prefix: string, headers: Record<string, Json> | undefined, allow: readonly string[]): Record<string, string>;
  /** Allow-listed query parameters as "a=1&b=2"; undefined when none are allowed or present. */
  queryTag(query: Record<string, Json> | undefined): string | undefined;
  /** A copy of an application line's context without sensitive keys (recursively). */
  scrubContext(context: JsonObject): JsonObject;
  /**
   * An allow-listed body as text, with credential-named keys redacted when it
   * is JSON (an object, or a string holding a JSON object or array).
   */
  bodyText(body: Json): string;
}

export function createRedactor(opts: PrivacyOptions): Redactor {
  const sensitive = new RegExp(opts.sensitiveNamePattern, 'i');
  const allowAllQuery = opts.queryParams.includes('*');
  const queryAllow = new Set(opts.queryParams.map((n) => n.toLowerCase()));
  const isSensitive = (name: string) => sensitive.test(name);

  const scrub = (v: Json, depth: number): Json => {
    if (depth > 8) return '[depth limit]';
    if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
    if (v !== null && typeof v === 'object') {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) out[k] = isSensitive(k) ? REDACTED : scrub(x, depth + 1);
      return out;
    }
    return typeof v === 'string' ? redactUrlCredentials(v) : v;
  };

  return {
    isSensitive,
    headerTags(prefix, headers, allow) {
      const tags: Record<string, string> = {};
      if (!headers || allow.length === 0) return tags;
      const allowed = new Set(allow.map((n) => n.toLowerCase()));
      for (const [name, value] of Object.entries(headers)) {
        const lower = name.toLowerCase();
        if (!allowed.has(lower)) continue;
        // A header named in the allow-list is exported as asked, even a cookie: ops chose it by name.
        tags[`${prefix}${lower}`] = jsonText(value);
      }
      return tags;
    },
    queryTag(query) {
      if (!query || (queryAllow.size === 0 && !allowAllQuery)) return undefined;
      const parts: string[] = [];
      for (const [name, value] of Object.entries(query)) {
        if (!allowAllQuery && !queryAllow.has(name.toLowerCase())) continue;
        parts.push(`${name}=${isSensitive(name) ? REDACTED : jsonText(value)}`);
      }
      return parts.length ? parts.join('&') : undefined;
    },
    scrubContext(context) {
      return scrub(context, 0) as JsonObject;
    },
    bodyText(body) {
      if (typeof body === 'string') {
        const t = body.trimStart();
        if (t.startsWith('{') || t.startsWith('[')) {
          // Lenient: Python's json.dumps writes NaN/Infinity, and such a body must be scrubbed too.
          const parsed = parseLenientJson(body);
          // Not JSON after all: kept as logged.
          return parsed.ok ? JSON.stringify(scrub(parsed.value as Json, 0)) : body;
        }
        return body;
      }
      return jsonText(scrub(body, 0));
    },
  };
}

export function jsonText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// scheme://user:password@host: the password, wherever it is written.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi;

/**
 * Free text (a log message, an exception, a connection string in an
 * argument) with the password of any URL in it redacted. Other free text is
 * exported as the service wrote it.
 */
export function redactUrlCredentials(text: string): string {
  return text.includes('://') ? text.replace(URL_CREDENTIALS, `$1${REDACTED}@`) : text;
}

/** Allow-listed header names that look like credentials: exported as asked, but worth a warning. */
export function sensitiveAllowListed(opts: PrivacyOptions): string[] {
  const sensitive = new RegExp(opts.sensitiveNamePattern, 'i');
  return [...opts.requestHeaders, ...opts.responseHeaders].filter((h) => sensitive.test(h));
}
