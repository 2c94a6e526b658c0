/**
 * The demo: five instrumented Node.js services and one uninstrumented cache,
 * each its own process writing its request log to a file (as a container's
 * stdout would be), requestflow (the real binary, follow mode) reading those
 * files, a Zipkin server (started here, or one already running), and
 * optionally a load generator.
 *
 *   gateway -> profile -> kv          (one traced get)
 *           -> catalog -> kv x2 / x5  (sequential single gets)
 *           -> recommendations -> ranking -> kv  (fails for users % 7 == 0)
 *
 * In the log directory: <service>.log for the five services (what requestflow
 * follows), and kv.out, requestflow.out, load.out for the other processes.
 * startDemo() returns once every process is up; stop() ends them all, by pid.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkWithLog, listeningPort, spawnWithLog, type Child } from './child-processes.js';
import { repoRoot } from './zipkin-jar.js';
import { startZipkin, type RunningZipkin } from './zipkin-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const serviceProcess = join(here, 'services', 'service-process.js');
const loadGenerator = join(here, 'load-generator.js');
const requestflowBinary = join(repoRoot, 'dist', 'main.js');

export const DEFAULT_ZIPKIN_PORT = 9411;
const REQUESTFLOW_START_TIMEOUT_MS = 30_000;

/** The instrumented services, leaves first, with their log format. */
const INSTRUMENTED = [
  { name: 'ranking', mode: 'flat' },
  { name: 'recommendations', mode: 'aggregated' },
  { name: 'catalog', mode: 'aggregated' },
  { name: 'profile', mode: 'flat' },
  { name: 'gateway', mode: 'flat' },
] as const;

export interface DemoOptions {
  /** Use this running Zipkin (e.g. http://localhost:9411) instead of starting one. */
  zipkinBaseUrl?: string;
  /** Port for the Zipkin the demo starts (default 9411). */
  zipkinPort?: number;
  /** The gateway's port (default 0: any free port). */
  gatewayPort?: number;
  /** Requests per second from the load generator; 0: none. */
  rps: number;
  /** Where the services' log files go (emptied first). */
  logDir: string;
  /** Delay of every kv answer (default 15 ms). */
  kvLatencyMs?: number;
}

export interface RunningDemo {
  zipkinBaseUrl: string;
  gatewayUrl: string;
  /** requestflow's Prometheus metrics. */
  metricsUrl?: string;
  logDir: string;
  /** The log files requestflow follows, one per instrumented service. */
  serviceLogs: string[];
  /** Every process the demo started, with its pid (Zipkin included when started here). */
  processes: { name: string; pid: number }[];
  stop(): Promise<void>;
}

export class PortInUseError extends Error {}

export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  mkdirSync(opts.logDir, { recursive: true });
  const children: Child[] = [];
  let zipkin: RunningZipkin | undefined;
  const stop = async () => {
    // Load first, then the services, then requestflow (it exports what is
    // left when it stops), then Zipkin.
    for (const c of [...children].reverse()) await c.stop(c.name === 'requestflow' ? 25_000 : 5_000);
    await zipkin?.stop();
  };
  try {
    let zipkinBaseUrl = opts.zipkinBaseUrl?.replace(/\/+$/, '');
    if (zipkinBaseUrl === undefined) {
      const port = opts.zipkinPort ?? DEFAULT_ZIPKIN_PORT;
      if (!(await portIsFree(port))) {
        throw new PortInUseError(`port ${port} is in use (is a Zipkin already running?). Use it with --zipkin-base-url http://localhost:${port}, or start the demo's own Zipkin on another port with --port N.`);
      }
      zipkin = await startZipkin({ port });
      zipkinBaseUrl = `http://localhost:${port}`;
    } else {
      await checkZipkin(zipkinBaseUrl);
    }

    const urls: Record<string, string> = {};
    const start = async (name: string, env: Record<string, string>, logFile?: string) => {
      const child = forkWithLog(name, serviceProcess, [name], { ...process.env, ...env }, logFile);
      children.push(child);
      urls[name] = `http://127.0.0.1:${await listeningPort(child)}`;
    };
    await start('kv', { PORT: '0', KV_LATENCY_MS: String(opts.kvLatencyMs ?? 15) }, join(opts.logDir, 'kv.out'));
    const serviceLogs: string[] = [];
    for (const s of INSTRUMENTED) {
      const logFile = join(opts.logDir, `${s.name}.log`);
      writeFileSync(logFile, '');
      serviceLogs.push(logFile);
      await start(s.name, {
        PORT: String(s.name === 'gateway' ? opts.gatewayPort ?? 0 : 0),
        LOG_MODE: s.mode,
        KV_URL: urls.kv,
        RANKING_URL: urls.ranking ?? '',
        RECOMMENDATIONS_URL: urls.recommendations ?? '',
        CATALOG_URL: urls.catalog ?? '',
        PROFILE_URL: urls.profile ?? '',
      }, logFile);
    }

    const requestflowLog = join(opts.logDir, 'requestflow.out');
    writeFileSync(requestflowLog, '');
    const requestflow = spawnWithLog('requestflow', process.execPath,
      // Its health and metrics server on any free port (printed), so demos and tests never collide.
      [requestflowBinary, '--zipkin-url', `${zipkinBaseUrl}/api/v2/spans`, '--set', 'server.port=0', '--set', 'server.host=127.0.0.1', ...serviceLogs],
      requestflowLog);
    children.push(requestflow);
    await waitForLogLine(requestflow, requestflowLog, '"msg":"started"');
    const metricsPort = /"msg":"server_listening".*?"port":(\d+)/.exec(readFileSync(requestflowLog, 'utf8'))?.[1];
    const metricsUrl = metricsPort ? `http://127.0.0.1:${metricsPort}/metrics` : undefined;

    if (opts.rps > 0) {
      children.push(forkWithLog('load', loadGenerator, [], { ...process.env, GATEWAY_URL: urls.gateway, RPS: String(opts.rps) }, join(opts.logDir, 'load.out')));
    }
    const processes = [
      ...(zipkin ? [{ name: 'zipkin', pid: zipkin.pid }] : []),
      ...children.map((c) => ({ name: c.name, pid: c.pid })),
    ];
    return { zipkinBaseUrl, gatewayUrl: urls.gateway, metricsUrl, logDir: opts.logDir, serviceLogs, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** True when nothing listens on the port (on any address, as Zipkin would bind). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

async function checkZipkin(baseUrl: string): Promise<void> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    if (res.ok) return;
    throw new Error(`answered ${res.status}`);
  } catch (err) {
    throw new Error(`no Zipkin at ${baseUrl} (${(err as Error).message})`);
  }
}

async function waitForLogLine(child: Child, file: string, text: string): Promise<void> {
  const deadline = Date.now() + REQUESTFLOW_START_TIMEOUT_MS;
  for (;;) {
    const log = readFileSync(file, 'utf8');
    if (log.includes(text)) return;
    if (child.hasExited()) throw new Error(`${child.name} exited at start:\n${log.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${child.name} did not start within ${REQUESTFLOW_START_TIMEOUT_MS / 1000} s:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
