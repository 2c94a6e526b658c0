/**
 * profile: GET /profile?user=N reads user:N from the kv cache with one traced
 * single get (traceDependency, passing the ids itself as a cache client would).
 */
import type { Instrumentation } from '../../instrument/index.js';
import { sendJson, type Handler } from './http-helpers.js';
import { kvGet } from './kv-client.js';

export function profileService(rf: Instrumentation, kvUrl: string): Handler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://profile');
    const user = url.searchParams.get('user');
    if (url.pathname !== '/profile' || user === null || !/^\d+$/.test(user)) return sendJson(res, 404, { error: 'GET /profile?user=<n>' });
    const key = `user:${user}`;
    const profile = await rf.traceDependency('kv', (call) => kvGet(kvUrl, key, call?.headers), { functionName: 'get', args: [key] });
    sendJson(res, 200, profile ?? { user: Number(user), name: 'guest', plan: 'basic' });
  };
}
