// The service the overhead benchmark loads: a small JSON endpoint, plain or
// wrapped by requestflow/instrument (flat log lines to stdout, which the
// benchmark points at a file, as a container runtime would).
//   node instrument-overhead-server.mjs <plain|instrumented|aggregated|logging-off> [work µs]
// "work µs": CPU the handler spends per request before answering (0: none),
// standing in for the service's own work.
import * as http from 'node:http';
import { createInstrumentation } from '../../dist/instrument/index.js';

const mode = process.argv[2];
const workUs = Number(process.argv[3] ?? 0);
const handler = (req, res) => {
  if (workUs > 0) {
    const until = performance.now() + workUs / 1000;
    while (performance.now() < until);
  }
  const body = JSON.stringify({ ok: true, path: req.url });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
let listener;
if (mode === 'plain') listener = handler;
else {
  const rf = createInstrumentation({
    serviceName: 'bench',
    mode: mode === 'aggregated' ? 'aggregated' : 'flat',
    logging: mode !== 'logging-off',
  });
  listener = rf.wrapServer(handler);
}
const server = http.createServer(listener);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
// The benchmark asks for CPU time around each measured run: CPU per request
// holds up on a busy machine, where requests per second swing.
process.on('message', (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
