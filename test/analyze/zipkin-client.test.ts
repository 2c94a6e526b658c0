// analyze reads Zipkin through a gateway that wants credentials: it sends
// zipkin.headers, as the daemon does. The gateway here forwards to the real
// Zipkin and answers 401 without the header.
import t from 'tap';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runRequestflow } from '../support/requestflow-binary.js';
import { zipkinBaseUrl } from '../support/zipkin-api.js';

const TOKEN = 'Bearer gateway-test-7';

async function gateway(): Promise<{ url: string; server: Server }> {
  const upstream = new URL(zipkinBaseUrl());
  const server = createServer((req, res) => {
    if (req.headers.authorization !== TOKEN) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const up = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

t.test('analyze sends zipkin.headers to Zipkin', async (t) => {
  const gw = await gateway();
  t.teardown(() => new Promise<void>((r) => gw.server.close(() => r())));
  const id = 'f00dfeed0000400080000000000000aa'; // never sent: Zipkin answers 404, analyze "not found"
  const without = await runRequestflow(['analyze', 'trace', id, '--zipkin-url', gw.url]);
  t.equal(without.code, 3, 'without the header the gateway refuses: Zipkin could not be queried');
  const withHeader = await runRequestflow(['analyze', 'trace', id, '--zipkin-url', gw.url, '--set', `zipkin.headers.authorization=${TOKEN}`]);
  t.equal(withHeader.code, 1, `with it Zipkin answers: the trace is not there (${withHeader.stderr.trim()})`);
});
