/**
 * Starts and stops a real Zipkin server (official exec jar, in-memory storage)
 * for the demo and the tests.
 *   const zk = await startZipkin(); ...; await zk.stop();
 * CLI: `node dist/demo/zipkin-server.js start [--port N]` prints
 * ZIPKIN_BASE_URL=... and ZIPKIN_PID=..., then runs until SIGINT/SIGTERM,
 * which stop Zipkin too.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureZipkinJar, zipkinCacheDir, ZipkinJarError } from './zipkin-jar.js';

/**
 * 10 years: fixtures carry old timestamps, and Zipkin's default QUERY_LOOKBACK
 * (1 day) would hide them from queries without endTs.
 */
export const QUERY_LOOKBACK_MS = 10 * 365 * 24 * 3600 * 1000;

// Measured here: ~5.7 s to healthy with defaults, ~3.9 s with C1-only JIT.
// In-memory storage for tests and the demo needs little heap.
export const JVM_OPTS = ['-Xmx512m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

const HEALTH_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;

export interface StartOptions {
  /** Default: a free port. */
  port?: number;
  jar?: string;
  /** Extra environment for Zipkin, e.g. { AUTOCOMPLETE_KEYS: 'http.method' }. */
  env?: Record<string, string>;
}

export interface RunningZipkin {
  baseUrl: string;
  port: number;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

class ZipkinStartError extends Error {
  constructor(message: string, readonly logFile: string, readonly portInUse = false) {
    super(message);
  }
}

/** Asks the OS for a free TCP port (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

function logTail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(no log: ${(err as Error).message})`;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function isHealthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: string };
    return body?.status === 'UP';
  } catch {
    return false;
  }
}

interface Exit { code: number | null; signal: NodeJS.Signals | null; error?: Error }

async function startOnce(port: number, jar: string, env: Record<string, string>): Promise<RunningZipkin> {
  mkdirSync(zipkinCacheDir, { recursive: true });
  const logFile = join(zipkinCacheDir, `zipkin-${port}.log`);
  const logFd = openSync(logFile, 'w');
  const child = spawn('java', [...JVM_OPTS, '-jar', jar, `--server.port=${port}`], {
    env: { ...process.env, STORAGE_TYPE: 'mem', QUERY_LOOKBACK: String(QUERY_LOOKBACK_MS), ...env },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd); // the child holds its own copy

  let exited: Exit | undefined;
  const exitPromise = new Promise<Exit>((r) => {
    child.once('exit', (code, signal) => r((exited = { code, signal })));
    child.once('error', (error) => r((exited = { code: null, signal: null, error })));
  });

  // Last resort if the parent exits without stop(): 'exit' handlers are synchronous.
  const onParentExit = () => {
    if (!exited && child.pid) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  process.on('exit', onParentExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited && child.pid) {
        child.kill('SIGTERM');
        const graceful = await Promise.race([exitPromise, sleep(STOP_GRACE_MS).then(() => null)]);
        // The JVM's shutdown hooks have been seen to hang; in-memory data is disposable.
        if (!graceful) child.kill('SIGKILL');
      }
      await exitPromise;
      process.off('exit', onParentExit);
    })();
    return stopping;
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      process.off('exit', onParentExit);
      const e = exited as Exit;
      const why = e.error ? e.error.message : `exit code ${e.code ?? e.signal}`;
      throw new ZipkinStartError(`Zipkin exited before becoming healthy (${why}); log ${logFile}:\n${logTail(logFile)}`,
        logFile, /Address already in use|BindException/i.test(logTail(logFile, 200)));
    }
    // The log line proves that our process bound the port, so a stray server
    // already on it cannot pass the health check for us.
    if (logTail(logFile, 400).includes('Serving HTTP at') && (await isHealthy(baseUrl)) && !exited) {
      return { baseUrl, port, pid: child.pid!, logFile, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new ZipkinStartError(`Zipkin not healthy within ${HEALTH_TIMEOUT_MS / 1000} s at ${baseUrl}/health; log ${logFile}:\n${logTail(logFile)}`, logFile);
    }
    await sleep(250);
  }
}

/** Starts Zipkin and resolves once /health is UP. */
export async function startZipkin(opts: StartOptions = {}): Promise<RunningZipkin> {
  const jar = opts.jar ?? ensureZipkinJar();
  // A free port can be taken between the probe and the JVM's bind: retry only
  // then, and only when the caller did not ask for a fixed port.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await startOnce(port, jar, opts.env ?? {});
    } catch (err) {
      if (opts.port || !(err instanceof ZipkinStartError) || !err.portInUse || attempt >= 3) throw err;
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd !== 'start') {
    console.error('usage: node dist/demo/zipkin-server.js start [--port N]');
    process.exit(2);
  }
  const i = rest.indexOf('--port');
  const port = i >= 0 ? Number(rest[i + 1]) : undefined;
  let zk: RunningZipkin;
  try {
    const t0 = Date.now();
    zk = await startZipkin({ port });
    console.log(`ZIPKIN_BASE_URL=${zk.baseUrl}`);
    console.log(`ZIPKIN_PID=${zk.pid}`);
    console.error(`[zipkin] healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s, log ${zk.logFile}; SIGINT/SIGTERM to stop`);
  } catch (err) {
    console.error(err instanceof ZipkinJarError ? err.message : (err as Error).message);
    process.exit(1);
  }
  const shutdown = async (sig: NodeJS.Signals) => {
    await zk.stop();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, shutdown);
  setInterval(() => {}, 1 << 30); // keep running until signalled
}
