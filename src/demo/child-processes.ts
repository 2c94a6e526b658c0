/**
 * The demo's child processes: started with their output in a log file,
 * stopped by pid (SIGTERM, then SIGKILL after a grace period), and killed
 * as a last resort if the demo itself exits without stopping them.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  exited: Promise<Exit>;
  hasExited(): boolean;
  stop(graceMs?: number): Promise<Exit>;
}

const alive = new Set<Child>();
process.on('exit', () => {
  for (const c of alive) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

function track(name: string, cp: ChildProcess): Child {
  if (cp.pid === undefined) throw new Error(`${name}: could not be started`);
  let done = false;
  const exited = new Promise<Exit>((resolve) => cp.once('exit', (code, signal) => {
    done = true;
    alive.delete(child);
    resolve({ code, signal });
  }));
  const child: Child = {
    name,
    pid: cp.pid,
    process: cp,
    exited,
    hasExited: () => done,
    async stop(graceMs = 10_000) {
      if (!done) cp.kill('SIGTERM');
      const timer = setTimeout(() => { if (!done) cp.kill('SIGKILL'); }, graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  alive.add(child);
  return child;
}

/** A Node.js module as a child with an IPC channel; stdout and stderr go to logFile (or are ignored). */
export function forkWithLog(name: string, modulePath: string, args: string[], env: NodeJS.ProcessEnv, logFile?: string): Child {
  const fd = logFile === undefined ? 'ignore' : openSync(logFile, 'a');
  try {
    return track(name, fork(modulePath, args, { env, stdio: ['ignore', fd, fd, 'ipc'] }));
  } finally {
    if (typeof fd === 'number') closeSync(fd); // the child holds its own copy
  }
}

/** Any program as a child; stdout and stderr go to logFile. */
export function spawnWithLog(name: string, command: string, args: string[], logFile: string): Child {
  const fd = openSync(logFile, 'a');
  try {
    return track(name, spawn(command, args, { stdio: ['ignore', fd, fd] }));
  } finally {
    closeSync(fd);
  }
}

/** The first IPC message `{listening: port}` of a forked service. */
export function listeningPort(child: Child, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} did not start listening within ${timeoutMs / 1000} s`)), timeoutMs);
    child.process.on('message', (m: { listening?: number }) => {
      if (typeof m?.listening === 'number') {
        clearTimeout(timer);
        resolve(m.listening);
      }
    });
    void child.exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (${e.code ?? e.signal}) before listening`));
    });
  });
}
