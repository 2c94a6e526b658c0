/**
 * gateway: GET /home?user=N[&shelf=S] fans out, in parallel, to profile,
 * catalog and recommendations (fetch, so the calls are 1.1, 1.2, 1.3) and
 * answers 200 with all three, or 502 when any of them failed.
 */
import type { Instrumentation } from '../../instrument/index.js';
import { json, sendJson, type Handler } from './http-helpers.js';

export interface GatewayDeps {
  profileUrl: string;
  catalogUrl: string;
  recommendationsUrl: string;
}

export function gatewayService(rf: Instrumentation, deps: GatewayDeps): Handler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== '/home') return sendJson(res, 404, { error: 'try GET /home?user=3' });
    const user = url.searchParams.get('user') ?? '1';
    const shelf = url.searchParams.get('shelf') ?? 'home';
    const parts = await Promise.allSettled([
      rf.fetch('profile', `${deps.profileUrl}/profile?user=${encodeURIComponent(user)}`).then(json),
      rf.fetch('catalog', `${deps.catalogUrl}/shelf/${encodeURIComponent(shelf)}`).then(json),
      rf.fetch('recommendations', `${deps.recommendationsUrl}/recommendations?user=${encodeURIComponent(user)}`).then(json),
    ]);
    const failed = ['profile', 'catalog', 'recommendations'].filter((_, i) => parts[i].status === 'rejected');
    if (failed.length > 0) {
      const why = parts.map((p) => (p.status === 'rejected' ? String((p.reason as Error).message) : '')).filter(Boolean).join('; ');
      rf.markError(new Error(`${failed.join(', ')} unavailable: ${why}`));
      rf.log.error('home page incomplete', { failed });
      return sendJson(res, 502, { error: `${failed.join(', ')} unavailable` });
    }
    const [profile, catalog, recommendations] = parts.map((p) => (p as PromiseFulfilledResult<unknown>).value);
    sendJson(res, 200, { profile, catalog, recommendations });
  };
}
