// A local HTTP endpoint that accepts Zipkin v2 JSON and discards it, for
// measuring requestflow's own throughput (only here: correctness is tested
// against the real Zipkin). Counts spans cheaply by their "traceId" keys;
// with `watch`, parses bodies and reports when each watched request id's
// span arrives (for end-to-end latency).
import { createServer } from 'node:http';

const TRACE_ID_KEY = Buffer.from('"traceId"');

function countSpans(buf) {
  let n = 0;
  let i = 0;
  while ((i = buf.indexOf(TRACE_ID_KEY, i)) !== -1) { n++; i += TRACE_ID_KEY.length; }
  return n;
}

/**
 * @param {{ onSpan?: (span: object, acceptedAtMs: number) => void }} [opts]
 * @returns {Promise<{ url: string, stats: { posts: number, spans: number, bytes: number }, close(): Promise<void> }>}
 */
export async function startDiscardSink(opts = {}) {
  const stats = { posts: 0, spans: 0, bytes: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      stats.posts += 1;
      stats.bytes += body.length;
      if (opts.onSpan) {
        const now = Date.now();
        const spans = JSON.parse(body.toString('utf8'));
        stats.spans += spans.length;
        for (const s of spans) opts.onSpan(s, now);
      } else {
        stats.spans += countSpans(body);
      }
      res.writeHead(202).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    stats,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
