// Runs the real built binary (dist/main.js) as a child process, the way a
// user or the kubelet would. Tests that check the whole path use this rather
// than calling src/ directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = join(repoRoot, 'dist', 'main.js');
export const fixtures = join(repoRoot, 'test', 'fixtures');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs `requestflow <args>` to completion. */
export function runRequestflow(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnRequestflow(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`requestflow ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 60_000} ms\nstderr: ${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  });
}

/** Starts `requestflow <args>` and returns the child (follow mode); the caller stops it. */
export function spawnRequestflow(args: string[], opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [binary, ...args], {
    cwd: opts.cwd ?? repoRoot,
    // Many daemons run at once in the tests: the health/metrics port is picked
    // by the OS unless a test asks for one.
    env: { ...process.env, REQUESTFLOW_SERVER_PORT: '0', ...opts.env },
    stdio: [opts.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
}

/** Zipkin's span endpoint for a base URL. */
export function spansUrl(baseUrl: string): string {
  return `${baseUrl}/api/v2/spans`;
}
