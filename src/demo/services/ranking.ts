/**
 * ranking: GET /rank?user=N loads the model of the user's segment (N % 7)
 * from the kv cache (fetch). Segment 0 has no model: the request fails with
 * an exception, three services deep.
 */
import type { Instrumentation } from '../../instrument/index.js';
import { SEGMENTS } from './demo-data.js';
import { sendJson, type Handler } from './http-helpers.js';

export function rankingService(rf: Instrumentation, kvUrl: string): Handler {
  return async (req, res) => {
    const user = Number(new URL(req.url ?? '/', 'http://ranking').searchParams.get('user') ?? '1');
    const segment = user % SEGMENTS;
    const model = await rf.fetch('kv', `${kvUrl}/kv/model:${segment}`);
    await model.text();
    if (model.status === 404) {
      rf.log.error('no ranking model', { segment });
      throw new Error(`no ranking model for segment ${segment}`);
    }
    sendJson(res, 200, { titles: [201 + (user % 5), 101 + (user % 2)] });
  };
}
