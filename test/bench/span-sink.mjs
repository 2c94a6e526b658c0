// The HTTP endpoint the benchmark exports to: it accepts Zipkin v2 JSON and
// either discards it (measuring requestflow's own speed, not Zipkin's: only
// here; correctness is tested against the real Zipkin) or forwards it to a
// real Zipkin and answers with Zipkin's status. Counts spans cheaply by their
// "traceId" keys; with `onSpan`, parses each accepted body and reports every
// span with the time it was accepted (for end-to-end latency).
import { Agent, createServer, request } from 'node:http';

const TRACE_ID_KEY = Buffer.from('"traceId"');

function countSpans(buf) {
  let n = 0;
  let i = 0;
  while ((i = buf.indexOf(TRACE_ID_KEY, i)) !== -1) { n++; i += TRACE_ID_KEY.length; }
  return n;
}

/** POSTs `body` to `url`; resolves with the status code (0 on a network error). */
function forward(url, body, agent) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * @param {{ onSpan?: (span: object, acceptedAtMs: number) => void, forwardTo?: string }} [opts]
 *   forwardTo: a Zipkin span endpoint (http://host:9411/api/v2/spans); spans count as accepted once it answers 2xx.
 * @returns {Promise<{ url: string, stats: { posts: number, spans: number, bytes: number, refused: number }, close(): Promise<void> }>}
 */
export async function startSpanSink(opts = {}) {
  const stats = { posts: 0, spans: 0, bytes: 0, refused: 0 };
  const agent = opts.forwardTo ? new Agent({ keepAlive: true, maxSockets: 8 }) : undefined;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const status = opts.forwardTo ? await forward(opts.forwardTo, body, agent) : 202;
      if (status < 200 || status >= 300) {
        stats.refused += 1;
        res.writeHead(status || 502).end();
        return;
      }
      const acceptedAtMs = performance.timeOrigin + performance.now();
      stats.posts += 1;
      stats.bytes += body.length;
      if (opts.onSpan) {
        const spans = JSON.parse(body.toString('utf8'));
        stats.spans += spans.length;
        for (const s of spans) opts.onSpan(s, acceptedAtMs);
      } else {
        stats.spans += countSpans(body);
      }
      res.writeHead(status).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    stats,
    close: () => new Promise((r) => { server.closeAllConnections?.(); agent?.destroy(); server.close(() => r()); }),
  };
}
