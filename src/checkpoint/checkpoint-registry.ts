/**
 * The checkpoints of this run, in memory: entries loaded at start wait to be
 * claimed by the file they describe (matched by identity, not by path);
 * entries of files read in this run say how far each file is acknowledged.
 * Saved to the store when changed, at most every checkpointIntervalMs.
 * Entries of files read to their end are kept for a day (so a rotated copy
 * matched by a glob is recognised), at most MAX_ENTRIES in all.
 */
import type { Logger } from '../observe/logger.js';
import { isSameFile } from '../tail/file-identity.js';
import type { CheckpointStore, FileCheckpoint } from './checkpoint-store.js';

const DONE_RETENTION_MS = 24 * 3600 * 1000;
const MAX_ENTRIES = 1000;

export class CheckpointRegistry {
  private readonly entries = new Set<FileCheckpoint>();
  private readonly unclaimed = new Set<FileCheckpoint>();
  private dirty = false;

  constructor(private readonly store: CheckpointStore | undefined, private readonly log: Logger) {}

  /** Reads the saved checkpoints; returns how many. */
  load(): number {
    const files = this.store?.load() ?? [];
    for (const f of files) {
      this.entries.add(f);
      this.unclaimed.add(f);
    }
    return files.length;
  }

  /** Loaded entries no file has claimed yet (rotated or deleted while requestflow was down). */
  unclaimedEntries(): FileCheckpoint[] {
    return [...this.unclaimed];
  }

  /** The loaded entry for the file with these first bytes and inode, now claimed by it. */
  claim(head: Buffer, dev: string, ino: string): FileCheckpoint | undefined {
    for (const e of this.unclaimed) {
      if (isSameFile(head, dev, ino, e)) {
        this.unclaimed.delete(e);
        return e;
      }
    }
    return undefined;
  }

  /** An entry of this run that describes the same data (the same file, or a copy of it). */
  findKnown(head: Buffer, dev: string, ino: string): FileCheckpoint | undefined {
    for (const e of this.entries) {
      if (!this.unclaimed.has(e) && isSameFile(head, dev, ino, e)) return e;
    }
    return undefined;
  }

  add(e: FileCheckpoint): void {
    this.entries.add(e);
    this.dirty = true;
  }

  /** Gives up an unclaimed entry whose data cannot be found. */
  settle(e: FileCheckpoint): void {
    this.unclaimed.delete(e);
    e.done = true;
    this.dirty = true;
  }

  changed(): void {
    this.dirty = true;
  }

  all(): FileCheckpoint[] {
    return [...this.entries];
  }

  /** Writes the checkpoints when they changed since the last save. */
  saveIfChanged(nowMs = Date.now()): void {
    if (!this.dirty || !this.store) return;
    this.prune(nowMs);
    try {
      this.store.save([...this.entries]);
      this.dirty = false;
    } catch (e) {
      // Keep running: the next save retries; a restart re-reads a little more.
      this.log.warnSummarised('checkpoint_save_failed', { dir: this.store.dir, error: (e as Error).message });
    }
  }

  private prune(nowMs: number): void {
    for (const e of this.entries) {
      if (e.done && !this.unclaimed.has(e) && nowMs - e.updatedAtMs > DONE_RETENTION_MS) this.entries.delete(e);
    }
    if (this.entries.size <= MAX_ENTRIES) return;
    const done = [...this.entries].filter((e) => e.done).sort((a, b) => a.updatedAtMs - b.updatedAtMs);
    for (const e of done.slice(0, this.entries.size - MAX_ENTRIES)) this.entries.delete(e);
  }
}
