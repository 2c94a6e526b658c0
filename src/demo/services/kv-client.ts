/**
 * A plain node:http GET to the kv cache, for services that trace the call
 * with traceDependency and pass the ids themselves (as a database or cache
 * client would): resolves the JSON value, or undefined on 404.
 */
import * as http from 'node:http';

export function kvGet(kvUrl: string, key: string, headers: Readonly<Record<string, string>> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${kvUrl}/kv/${encodeURIComponent(key)}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        if (res.statusCode === 404) resolve(undefined);
        else if (res.statusCode !== 200) reject(new Error(`kv answered ${res.statusCode}`));
        else resolve(JSON.parse(body));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
