/**
 * catalog: GET /shelf/S reads the shelf's items from the kv cache one at a
 * time, in sequence: two gets for "home", five for "movies", where one
 * multi-get (/mget) would do. The slow requests of the demo come from here.
 */
import type { Instrumentation } from '../../instrument/index.js';
import { SHELVES } from './demo-data.js';
import { sendJson, type Handler } from './http-helpers.js';
import { kvGet } from './kv-client.js';

export function catalogService(rf: Instrumentation, kvUrl: string): Handler {
  return async (req, res) => {
    const shelf = decodeURIComponent((req.url ?? '').match(/^\/shelf\/([^/?]+)/)?.[1] ?? '');
    const ids = SHELVES[shelf];
    if (ids === undefined) return sendJson(res, 404, { error: `no shelf ${shelf}` });
    const items: unknown[] = [];
    for (const id of ids) {
      const key = `item:${id}`;
      items.push(await rf.traceDependency('kv', (call) => kvGet(kvUrl, key, call?.headers), { functionName: 'get', args: [key] }));
    }
    rf.log.info('shelf read', { shelf, items: items.length });
    sendJson(res, 200, { shelf, items });
  };
}
