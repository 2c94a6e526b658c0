/**
 * The few requests the demo sends itself and prints, each with its request
 * id (from the gateway's X-Hulu-Request-Id answer) and its Zipkin link: one
 * that works, one that fails deep in the chain, one that is slow.
 */

export interface ShowcaseRequest {
  label: string;
  why: string;
  path: string;
}

export const SHOWCASE: readonly ShowcaseRequest[] = [
  { label: 'ok', why: 'gateway fans out to profile, catalog, recommendations', path: '/home?user=3' },
  { label: 'failing', why: 'ranking has no model for user 14 (14 % 7 == 0): 502', path: '/home?user=14' },
  { label: 'slow', why: 'catalog reads the movies shelf with five sequential kv gets', path: '/home?user=5&shelf=movies' },
];

export interface ShowcaseResult extends ShowcaseRequest {
  status: number;
  requestId: string;
  durationMs: number;
}

export async function sendShowcase(gatewayUrl: string): Promise<ShowcaseResult[]> {
  // Warm-up (connections, JIT), so the printed times compare the requests, not the first one.
  for (let i = 0; i < 3; i++) await (await fetch(`${gatewayUrl}/home?user=1`, { signal: AbortSignal.timeout(30_000) })).arrayBuffer();
  const results: ShowcaseResult[] = [];
  for (const r of SHOWCASE) {
    const t0 = performance.now();
    const res = await fetch(gatewayUrl + r.path, { signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    results.push({ ...r, status: res.status, requestId: res.headers.get('x-hulu-request-id') ?? '?', durationMs: performance.now() - t0 });
  }
  return results;
}

/** Polls Zipkin until each trace is there (it stores asynchronously); false when one did not show up in time. */
export async function waitForTraces(zipkinBaseUrl: string, requestIds: string[], timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(requestIds);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const id of [...pending]) {
      try {
        const res = await fetch(`${zipkinBaseUrl}/api/v2/trace/${id}`, { signal: AbortSignal.timeout(5_000) });
        if (res.ok) pending.delete(id);
        else await res.arrayBuffer();
      } catch {
        // Zipkin busy: ask again
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  return pending.size === 0;
}
