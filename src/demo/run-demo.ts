/**
 * `npm run demo`: starts the demo (see demo.ts), sends a few requests, prints
 * the Zipkin UI link and those requests' trace links, and runs until SIGINT
 * (Ctrl-C) or SIGTERM, which stop every process it started.
 *
 *   node dist/demo/run-demo.js [--port 9411] [--zipkin-base-url URL]
 *        [--gateway-port 0] [--rps 2] [--log-dir .cache/demo]
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_ZIPKIN_PORT, PortInUseError, startDemo, type RunningDemo } from './demo.js';
import { sendShowcase, waitForTraces } from './showcase.js';
import { repoRoot } from './zipkin-jar.js';

const USAGE = `usage: npm run demo -- [options]
  --port N              port of the Zipkin server the demo starts (default ${DEFAULT_ZIPKIN_PORT})
  --zipkin-base-url URL use a running Zipkin (e.g. http://localhost:9411) instead of starting one
  --gateway-port N      the gateway's port (default: any free port)
  --rps N               requests per second from the load generator (default 2; 0: none)
  --log-dir DIR         where the services' log files go (default .cache/demo)`;

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'zipkin-base-url': { type: 'string' },
      'gateway-port': { type: 'string' },
      rps: { type: 'string' },
      'log-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, value: string | undefined, def: number) => {
    const n = value === undefined ? def : Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} must be a whole number, got ${value}`);
    return n;
  };
  return {
    zipkinPort: int('port', values.port, DEFAULT_ZIPKIN_PORT),
    zipkinBaseUrl: values['zipkin-base-url'],
    gatewayPort: int('gateway-port', values['gateway-port'], 0),
    rps: int('rps', values.rps, 2),
    logDir: values['log-dir'] ?? join(repoRoot, '.cache', 'demo'),
  };
}

async function main(): Promise<number> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  // Listen from the start: a signal during start-up stops the demo as soon as it is up.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => resolve(sig));
  });
  if (opts.zipkinBaseUrl === undefined) console.log(`Starting Zipkin on port ${opts.zipkinPort} (the first run downloads it), the services and requestflow...`);
  let demo: RunningDemo;
  try {
    demo = await startDemo(opts);
  } catch (err) {
    console.error(err instanceof PortInUseError ? `demo: ${err.message}` : `demo: could not start: ${(err as Error).message}`);
    return 1;
  }

  const ui = `${demo.zipkinBaseUrl}/zipkin/`;
  const fromHere = relative(process.cwd(), demo.logDir);
  const logs = fromHere === '' ? '.' : fromHere.startsWith('..') ? demo.logDir : fromHere;
  console.log(`
requestflow demo
  Zipkin UI:  ${ui}
  gateway:    ${demo.gatewayUrl}   try: curl -i '${demo.gatewayUrl}/home?user=21'
  load:       ${opts.rps > 0 ? `${opts.rps} requests/s of random users (1 in 7 fails in ranking, 1 in 20 reads the slow movies shelf)` : 'none'}
  logs:       ${logs}/  (check them: node dist/main.js lint ${logs}/*.log)${demo.metricsUrl ? `
  metrics:    ${demo.metricsUrl}  (requestflow's own, and request rates and latencies per endpoint)` : ''}
  processes:  ${demo.processes.map((p) => `${p.name} ${p.pid}`).join(', ')}`);

  const shown = await Promise.race([sendShowcase(demo.gatewayUrl), signalled.then(() => undefined)]);
  if (shown) {
    const found = await waitForTraces(demo.zipkinBaseUrl, shown.map((r) => r.requestId));
    console.log('\nRequests to open (paste the id into the Zipkin search box, or follow the link):');
    for (const r of shown) {
      console.log(`  ${r.label.padEnd(8)} ${r.status} ${`${Math.round(r.durationMs)} ms`.padStart(7)}  GET ${r.path}`);
      console.log(`           ${r.why}`);
      console.log(`           request id ${r.requestId}  ${demo.zipkinBaseUrl}/zipkin/traces/${r.requestId}`);
    }
    if (!found) console.log('  (Zipkin has not shown every trace yet; give it a few seconds)');
    console.log('\nRunning until Ctrl-C.');
  }
  const sig = await signalled;
  console.log(`\n${sig}: stopping every process the demo started...`);
  await demo.stop();
  console.log('stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(70);
  },
);
