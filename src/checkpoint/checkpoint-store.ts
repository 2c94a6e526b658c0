/**
 * Checkpoints on disk: one JSON file in the state directory holding, per log
 * file, its identity (device, inode, fingerprint) and the offset from which a
 * restart re-reads it.
 * Writes are atomic: a temporary file is written and fsynced, the current
 * file becomes the previous generation, the temporary file is renamed over
 * it, and the directory is fsynced. Reading falls back to the previous
 * generation, with a warning, when the current file is missing, empty or
 * corrupt; when both are unusable it starts empty, with a warning.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../observe/logger.js';
import type { LogFormat } from '../tail/formats/piece.js';
import type { FileIdentity } from '../tail/file-identity.js';

export interface FileCheckpoint extends FileIdentity {
  /** Path the file was last seen at. */
  path: string;
  /** Re-read from here after a restart: no open span or unfinished record starts before it. */
  offset: number;
  /** Spans completed by records ending at or before this offset were accepted by Zipkin. */
  linesEnd: number;
  format?: LogFormat;
  /** The file was read to its end and closed (rotated away or deleted). */
  done?: boolean;
  updatedAtMs: number;
}

interface CheckpointFileV1 {
  version: 1;
  savedAtMs: number;
  files: FileCheckpoint[];
}

export const CHECKPOINT_FILE = 'checkpoints.json';
export const PREVIOUS_FILE = 'checkpoints.prev.json';

export class CheckpointStore {
  private readonly current: string;
  private readonly previous: string;
  private readonly temp: string;

  constructor(readonly dir: string, private readonly log: Logger) {
    this.current = join(dir, CHECKPOINT_FILE);
    this.previous = join(dir, PREVIOUS_FILE);
    this.temp = join(dir, `${CHECKPOINT_FILE}.tmp`);
  }

  /** The latest usable generation's checkpoints (empty on first start). */
  load(): FileCheckpoint[] {
    mkdirSync(this.dir, { recursive: true });
    const cur = this.read(this.current);
    if (cur.ok) return cur.files;
    const prev = this.read(this.previous);
    if (cur.problem !== 'missing' || prev.ok) {
      this.log.warn('checkpoint_fallback', {
        file: this.current, problem: cur.problem,
        using: prev.ok ? this.previous : 'none (files are read from their beginning)',
        ...(prev.ok ? {} : { previousProblem: prev.problem }),
      });
    }
    return prev.ok ? prev.files : [];
  }

  save(files: readonly FileCheckpoint[]): void {
    const body: CheckpointFileV1 = { version: 1, savedAtMs: Date.now(), files: [...files] };
    const fd = openSync(this.temp, 'w');
    try {
      writeSync(fd, JSON.stringify(body));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (existsSync(this.current)) renameSync(this.current, this.previous);
    renameSync(this.temp, this.current);
    syncDir(this.dir);
  }

  private read(file: string): { ok: true; files: FileCheckpoint[] } | { ok: false; problem: string } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { ok: false, problem: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message };
    }
    if (text.trim() === '') return { ok: false, problem: 'empty' };
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      return { ok: false, problem: `not JSON: ${(e as Error).message}` };
    }
    const problem = checkpointProblem(v);
    return problem ? { ok: false, problem } : { ok: true, files: (v as CheckpointFileV1).files };
  }
}

function checkpointProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const f = v as Partial<CheckpointFileV1>;
  if (f.version !== 1) return `unknown version ${JSON.stringify(f.version)}`;
  if (!Array.isArray(f.files)) return 'files is not a list';
  for (const c of f.files) {
    const ok = typeof c === 'object' && c !== null && typeof c.path === 'string' && typeof c.dev === 'string'
      && typeof c.ino === 'string' && Number.isSafeInteger(c.offset) && c.offset >= 0 && Number.isSafeInteger(c.linesEnd)
      && typeof c.fingerprint?.sha256 === 'string' && Number.isSafeInteger(c.fingerprint?.bytes);
    if (!ok) return `malformed entry ${JSON.stringify(c).slice(0, 200)}`;
  }
  return undefined;
}

function syncDir(dir: string): void {
  // A rename is durable only once its directory is synced.
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
