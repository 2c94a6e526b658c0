/**
 * kv: a tiny key-value cache over HTTP, and the demo's uninstrumented
 * dependency: it writes no log at all, so its work shows in Zipkin only as
 * its callers' CLIENT spans. GET /kv/<key> answers the value as JSON (404 when
 * absent); GET /mget?keys=a,b answers several at once: the multi-get the
 * catalog could use instead of its sequential single gets.
 * Every answer is delayed by latencyMs, as a remote cache would be.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function kvService(data: ReadonlyMap<string, unknown>, latencyMs: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://kv');
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      if (url.pathname.startsWith('/kv/')) {
        const key = decodeURIComponent(url.pathname.slice('/kv/'.length));
        if (!data.has(key)) {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: `no key ${key}` }));
          return;
        }
        res.end(JSON.stringify(data.get(key)));
      } else if (url.pathname === '/mget') {
        const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
        res.end(JSON.stringify(Object.fromEntries(keys.map((k) => [k, data.get(k) ?? null]))));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    }, latencyMs);
  };
}
