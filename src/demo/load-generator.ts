/**
 * The demo's users: GET $GATEWAY_URL/home?user=N (N random in 1..60; one
 * request in 20 asks for the slow "movies" shelf) at $RPS requests per
 * second, at most MAX_IN_FLIGHT at a time, without X-Hulu headers (the
 * gateway starts each trace). Every 30 s it writes a line of counts to
 * stderr. Exits when the demo's IPC channel closes, or on SIGTERM.
 */

const MAX_IN_FLIGHT = 20;
const REPORT_EVERY_MS = 30_000;

const gatewayUrl = process.env.GATEWAY_URL;
const rps = Number(process.env.RPS ?? 2);
if (!gatewayUrl || !(rps > 0)) {
  process.stderr.write('load-generator: GATEWAY_URL and RPS > 0 required\n');
  process.exit(2);
}

const counts: Record<string, number> = {};
let inFlight = 0;

async function one(): Promise<void> {
  const user = 1 + Math.floor(Math.random() * 60);
  const shelf = Math.random() < 0.05 ? '&shelf=movies' : '';
  inFlight += 1;
  try {
    const res = await fetch(`${gatewayUrl}/home?user=${user}${shelf}`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    counts[res.status] = (counts[res.status] ?? 0) + 1;
  } catch {
    counts.error = (counts.error ?? 0) + 1;
  } finally {
    inFlight -= 1;
  }
}

setInterval(() => {
  if (inFlight < MAX_IN_FLIGHT) void one();
}, 1000 / rps);
setInterval(() => process.stderr.write(`load: ${JSON.stringify(counts)}\n`), REPORT_EVERY_MS).unref();
process.on('disconnect', () => process.exit(0));
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(0));
