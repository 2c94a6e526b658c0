// Helpers for the follow-mode end-to-end tests: a temporary directory, the
// writer process (log-writer.mjs), the real requestflow daemon (dist/main.js)
// and a poll of the real Zipkin that demands the exact set of traces.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot, spawnRequestflow } from './requestflow-binary.js';
import { findTraces, type ZipkinSpan } from './zipkin-api.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `rf-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type WriterStep = Record<string, unknown> & { op: string };

/** Runs the writer process on a plan; resolves when it has played every step. */
export function runWriter(dir: string, steps: WriterStep[], name = 'plan'): Promise<void> {
  const planPath = join(dir, `${name}.json`);
  writeFileSync(planPath, JSON.stringify({ steps }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'test', 'support', 'log-writer.mjs'), planPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

export function writeLines(path: string, lines: readonly string[], encoding: BufferEncoding = 'utf8'): void {
  writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '', encoding);
}

/** The real daemon in follow mode with a YAML config; its stderr (JSON log lines) is kept. */
export class Daemon {
  private child?: ChildProcess;
  private exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';
  runs = 0;

  constructor(private readonly configPath: string, private readonly args: string[], private readonly env: Record<string, string> = {}) {}

  static withConfig(dir: string, config: Record<string, unknown>, args: string[], env: Record<string, string> = {}): Daemon {
    const configPath = join(dir, 'requestflow.yaml');
    writeFileSync(configPath, stringify(config));
    return new Daemon(configPath, args, env);
  }

  get pid(): number {
    return this.child!.pid!;
  }

  start(): this {
    this.runs += 1;
    const child = spawnRequestflow(['--config', this.configPath, ...this.args], { env: this.env });
    this.child = child;
    child.stdout!.resume();
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    this.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return this;
  }

  /** Resolves once a log line with this `msg` has appeared `count` times (over all runs). */
  async waitForLog(msg: string, { count = 1, timeoutMs = 60_000 } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.logs(msg).length < count) {
      if (Date.now() > deadline) throw new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr:\n${this.stderr.slice(-3000)}`);
      await sleep(50);
    }
  }

  /** Parsed JSON log lines, optionally only those with this `msg`. */
  logs(msg?: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const l of this.stderr.split('\n')) {
      if (!l.startsWith('{')) continue;
      try {
        const v = JSON.parse(l) as Record<string, unknown>;
        if (!msg || v.msg === msg) out.push(v);
      } catch { /* a line cut by a kill */ }
    }
    return out;
  }

  /** SIGTERM, then the exit code (the daemon must exit by itself). */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([this.exit!, new Promise<undefined>((res) => { timer = setTimeout(() => res(undefined), timeoutMs); })]);
    clearTimeout(timer);
    if (!r) {
      this.child.kill('SIGKILL');
      throw new Error(`requestflow did not exit within ${timeoutMs} ms of SIGTERM; stderr:\n${this.stderr.slice(-3000)}`);
    }
    return r.code;
  }

  async kill9(): Promise<void> {
    this.child!.kill('SIGKILL');
    await this.exit;
  }

  /** Resident memory of the running daemon (VmRSS), in bytes. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    return kb * 1024;
  }
}

export interface TracesSeen {
  traces: ZipkinSpan[][];
  /** traceId -> span count as Zipkin shows it. */
  counts: Map<string, number>;
}

/**
 * Polls Zipkin until the service's traces are exactly `expected` (trace id ->
 * span count), with no span id twice in a trace, and stay so for a second
 * poll `settleMs` later (late duplicates would show then).
 */
export async function waitForExactTraces(
  baseUrl: string, service: string, expected: ReadonlyMap<string, number>,
  { timeoutMs = 90_000, settleMs = 1500 } = {},
): Promise<TracesSeen> {
  const deadline = Date.now() + timeoutMs;
  let last: TracesSeen | undefined;
  let problem = '';
  for (;;) {
    last = await seen(baseUrl, service, expected.size);
    problem = difference(last.counts, expected);
    if (!problem) {
      await sleep(settleMs);
      last = await seen(baseUrl, service, expected.size);
      problem = difference(last.counts, expected);
      if (!problem) {
        const dup = duplicateSpanIds(last.traces);
        if (dup) throw new Error(`span id ${dup} appears twice`);
        return last;
      }
    }
    if (Date.now() > deadline) throw new Error(`Zipkin's traces for ${service} are not as expected after ${timeoutMs} ms: ${problem}`);
    await sleep(500);
  }
}

async function seen(baseUrl: string, service: string, n: number): Promise<TracesSeen> {
  const traces = await findTraces(baseUrl, { serviceName: service, limit: n + 1000 });
  const counts = new Map<string, number>();
  for (const tr of traces) if (tr[0]) counts.set(tr[0].traceId, tr.length);
  return { traces, counts };
}

function difference(got: ReadonlyMap<string, number>, want: ReadonlyMap<string, number>): string {
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  const wrong = [...want].filter(([k, v]) => got.has(k) && got.get(k) !== v).map(([k, v]) => `${k}: ${got.get(k)} spans, want ${v}`);
  if (!missing.length && !extra.length && !wrong.length) return '';
  return `${missing.length} missing (e.g. ${missing.slice(0, 3).join(', ')}), ${extra.length} unexpected (e.g. ${extra.slice(0, 3).join(', ')}), ` +
    `${wrong.length} with a wrong span count (e.g. ${wrong.slice(0, 3).join('; ')})`;
}

function duplicateSpanIds(traces: ZipkinSpan[][]): string | undefined {
  for (const tr of traces) {
    const ids = new Set<string>();
    for (const s of tr) {
      if (ids.has(s.id)) return `${s.id} (trace ${s.traceId})`;
      ids.add(s.id);
    }
  }
  return undefined;
}

/** Base config for follow-mode tests: fast polling, short waits, checkpoints in `dir`. */
export function followConfig(dir: string, zipkinBaseUrl: string, extra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    zipkin: { url: `${zipkinBaseUrl}/api/v2/spans` },
    export: { flushIntervalMs: 100, retryInitialMs: 200, retryMaxMs: 2000 },
    tail: { stateDir: join(dir, 'state'), pollIntervalMs: 50, discoveryIntervalMs: 200, rotateWaitMs: 1000, checkpointIntervalMs: 200 },
    log: { level: 'info' },
  };
  for (const [k, v] of Object.entries(extra)) base[k] = { ...base[k], ...v };
  return base;
}
