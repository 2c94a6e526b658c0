/**
 * recommendations: GET /recommendations?user=N asks ranking (http.request)
 * and answers 502 when ranking fails.
 */
import type { Instrumentation } from '../../instrument/index.js';
import { sendJson, type Handler } from './http-helpers.js';

export function recommendationsService(rf: Instrumentation, rankingUrl: string): Handler {
  return async (req, res) => {
    const user = new URL(req.url ?? '/', 'http://recommendations').searchParams.get('user') ?? '1';
    const ranked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      rf.request('ranking', `${rankingUrl}/rank?user=${encodeURIComponent(user)}`, { method: 'GET' }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (body += d));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      }).on('error', reject).end();
    });
    if (ranked.status !== 200) {
      rf.markError(new Error(`ranking answered ${ranked.status}`));
      return sendJson(res, 502, { error: 'ranking unavailable' });
    }
    sendJson(res, 200, { user: Number(user), titles: JSON.parse(ranked.body).titles });
  };
}
