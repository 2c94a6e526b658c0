/**
 * One demo service as its own process, as it would run in a container:
 *   node dist/demo/services/service-process.js <gateway|profile|catalog|recommendations|ranking|kv>
 * Listens on 127.0.0.1:$PORT (0: any free port) and writes its request log
 * to stdout (the demo points stdout at a log file). Dependencies come from
 * $PROFILE_URL, $CATALOG_URL, $RECOMMENDATIONS_URL, $RANKING_URL, $KV_URL;
 * $LOG_MODE is flat or aggregated, $KV_LATENCY_MS the cache's delay.
 * Started by the demo with an IPC channel: it reports {port} when listening
 * and exits when the channel closes, so it never outlives the demo.
 */
import * as http from 'node:http';
import { createInstrumentation, type OutputMode } from '../../instrument/index.js';
import { catalogService } from './catalog.js';
import { demoData } from './demo-data.js';
import { gatewayService } from './gateway.js';
import type { Handler } from './http-helpers.js';
import { kvService } from './kv-server.js';
import { profileService } from './profile.js';
import { rankingService } from './ranking.js';
import { recommendationsService } from './recommendations.js';

export const SERVICE_NAMES = ['kv', 'ranking', 'recommendations', 'catalog', 'profile', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function handlerFor(name: ServiceName): http.RequestListener {
  if (name === 'kv') return kvService(demoData(), Number(process.env.KV_LATENCY_MS ?? 15));
  const rf = createInstrumentation({
    serviceName: name,
    mode: (process.env.LOG_MODE as OutputMode | undefined) ?? 'flat',
    environment: { name: 'demo', hostname: 'localhost' },
  });
  let handler: Handler;
  switch (name) {
    case 'gateway':
      handler = gatewayService(rf, { profileUrl: env('PROFILE_URL'), catalogUrl: env('CATALOG_URL'), recommendationsUrl: env('RECOMMENDATIONS_URL') });
      break;
    case 'profile': handler = profileService(rf, env('KV_URL')); break;
    case 'catalog': handler = catalogService(rf, env('KV_URL')); break;
    case 'recommendations': handler = recommendationsService(rf, env('RANKING_URL')); break;
    case 'ranking': handler = rankingService(rf, env('KV_URL')); break;
  }
  return rf.wrapServer(handler);
}

const name = process.argv[2] as ServiceName;
if (!SERVICE_NAMES.includes(name)) {
  process.stderr.write(`usage: service-process.js <${SERVICE_NAMES.join('|')}>\n`);
  process.exit(2);
}
const server = http.createServer(handlerFor(name));
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.send?.({ listening: (server.address() as { port: number }).port });
});
server.on('error', (err) => {
  process.stderr.write(`${name}: ${err.message}\n`);
  process.exit(1);
});
process.on('disconnect', () => process.exit(0));
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(0));
